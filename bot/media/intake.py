"""A question's files: noted at once as references, read when the answer is written.

A handler only notes what came with a question (:meth:`Intake.files`,
:meth:`Intake.recording`): photos by file id, documents and recordings still
unread. The answer unit later reads what is unread (:meth:`Intake.read`):
downloads a document and extracts its text, or transcribes a recording — in
the conversation's turn, so a quick text sent after a long PDF never jumps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from aiogram.types import Document, Message

from bot.db import AttachmentKind, AttachmentRecord
from bot.media.documents import document_block, extract_text
from bot.media.download import FileDownloader
from bot.media.errors import NoTextFound
from bot.media.photos import choose_photo, image_mime


class SpeechToText(Protocol):
    """Turns audio into text (see :class:`~bot.media.transcription.Transcriber`)."""

    async def transcribe(self, audio: bytes, *, filename: str, content_type: str) -> str:
        """What was said."""


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """``IMAGE_MAX_SIDE`` and ``DOCUMENT_MAX_CHARS``."""

    image_max_side: int = 2048
    document_max_chars: int = 60_000


def unread(record: AttachmentRecord) -> bool:
    """Whether an attachment still has to be read (a document's text, a transcript)."""
    return record.kind != AttachmentKind.PHOTO and record.text is None


class Intake:
    """Notes the files of a question, and reads them when the answer is written."""

    def __init__(self, downloader: FileDownloader, limits: IntakeLimits,
                 listener: SpeechToText | None = None) -> None:
        self._downloader = downloader
        self.limits = limits
        self._listener = listener

    @property
    def can_listen(self) -> bool:
        """Whether voice notes can be transcribed (``TRANSCRIBE_PROVIDER`` is set)."""
        return self._listener is not None

    def files(self, messages: Sequence[Message]) -> tuple[AttachmentRecord, ...]:
        """The photos (largest size within ``IMAGE_MAX_SIDE``) and documents of messages.

        An image sent as a file counts as a photo. Sizes over the download cap
        raise :class:`~bot.media.errors.FileTooLarge` at once.
        """
        found: list[AttachmentRecord] = []
        for message in messages:
            if message.photo:
                size = choose_photo(message.photo, self.limits.image_max_side)
                found.append(AttachmentRecord(AttachmentKind.PHOTO, size.file_id,
                                              size.file_unique_id, mime_type="image/jpeg",
                                              size=size.file_size))
            elif message.document is not None:
                found.append(self._document(message.document))
        return tuple(found)

    def _document(self, document: Document) -> AttachmentRecord:
        self._downloader.check_size(document.file_size)
        mime = image_mime(b"", document.mime_type)  # the declared type decides here
        kind = AttachmentKind.PHOTO if mime else AttachmentKind.DOCUMENT
        return AttachmentRecord(kind, document.file_id, document.file_unique_id,
                                document.file_name, mime or document.mime_type,
                                document.file_size)

    def recording(self, message: Message) -> AttachmentRecord:
        """A voice note, audio file or round video, to be transcribed."""
        media = message.voice or message.audio or message.video_note
        assert media is not None, "a recording"
        self._downloader.check_size(media.file_size)
        # The client's name and type go as they are: the provider library makes them
        # safe for the upload's headers.
        mime = getattr(media, "mime_type", None) or (
            "video/mp4" if message.video_note else "audio/ogg")
        name = getattr(media, "file_name", None) or _default_name(mime)
        return AttachmentRecord(AttachmentKind.VOICE, media.file_id, media.file_unique_id, name,
                                mime, media.file_size)

    async def read(self, record: AttachmentRecord, *, cut_note: str) -> AttachmentRecord:
        """The attachment with its text: a document's block (name, fenced text, ``cut_note``
        when cut) or a recording's transcript. Raises :class:`~bot.media.errors.MediaError`.
        """
        data = await self._downloader.fetch(record.file_id, size_hint=record.size)
        if record.kind == AttachmentKind.VOICE:
            if self._listener is None:
                raise NoTextFound("speech-to-text is not set up")
            heard = await self._listener.transcribe(data, filename=record.name or "voice.ogg",
                                                    content_type=record.mime_type or "audio/ogg")
            if not heard:
                raise NoTextFound("nothing was heard in the recording")
            return replace(record, text=heard)
        extracted = await extract_text(data, file_name=record.name, mime_type=record.mime_type,
                                       max_chars=self.limits.document_max_chars)
        return replace(record, name=extracted.name,
                       text=document_block(extracted, note=cut_note))


def _default_name(mime: str) -> str:
    extension = {"audio/ogg": "ogg", "audio/mpeg": "mp3", "video/mp4": "mp4"}.get(mime, "bin")
    return f"voice.{extension}"
