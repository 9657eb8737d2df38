"""A question's files, turned into its parts: photos by file id, documents' text, transcripts."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from aiogram.types import Document, Message

from bot.db import AttachmentKind, AttachmentRecord
from bot.media.documents import document_block, extract_text
from bot.media.download import FileDownloader
from bot.media.errors import NoTextFound
from bot.media.photos import choose_photo

# What a vision model takes; other image files (HEIC, SVG) are not photos to it.
_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


class SpeechToText(Protocol):
    """Turns audio into text (see :class:`~bot.media.transcription.Transcriber`)."""

    async def transcribe(self, audio: bytes, *, filename: str, content_type: str) -> str:
        """What was said."""


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """``IMAGE_MAX_SIDE`` and ``DOCUMENT_MAX_CHARS``."""

    image_max_side: int = 2048
    document_max_chars: int = 60_000


@dataclass(frozen=True, slots=True)
class Parts:
    """What files add to a question: document blocks for its text, and attachments to store."""

    blocks: tuple[str, ...] = ()
    attachments: tuple[AttachmentRecord, ...] = ()


class Intake:
    """Reads the files of a question (one message, or an album's messages)."""

    def __init__(self, downloader: FileDownloader, limits: IntakeLimits,
                 listener: SpeechToText | None = None) -> None:
        self._downloader = downloader
        self.limits = limits
        self._listener = listener

    @property
    def can_listen(self) -> bool:
        """Whether voice notes can be transcribed (``TRANSCRIBE_PROVIDER`` is set)."""
        return self._listener is not None

    async def files(self, messages: Sequence[Message], *, cut_note: str) -> Parts:
        """Photos (and image files) by file id; other documents read into text blocks.

        Documents are downloaded and read now (in the background of other
        chats); photos are fetched when the answer is written. Raises
        :class:`~bot.media.errors.MediaError` for a file that cannot be used.
        """
        blocks: list[str] = []
        attachments: list[AttachmentRecord] = []
        for message in messages:
            if message.photo:
                size = choose_photo(message.photo, self.limits.image_max_side)
                attachments.append(AttachmentRecord(
                    AttachmentKind.PHOTO, size.file_id, size.file_unique_id,
                    mime_type="image/jpeg", size=size.file_size))
            elif message.document is not None:
                block, record = await self._document(message.document, cut_note)
                if block:
                    blocks.append(block)
                attachments.append(record)
        return Parts(tuple(blocks), tuple(attachments))

    async def _document(self, document: Document, cut_note: str
                        ) -> tuple[str | None, AttachmentRecord]:
        if document.mime_type in _IMAGE_TYPES:  # a photo sent as a file is a photo
            self._downloader.check_size(document.file_size)
            return None, AttachmentRecord(
                AttachmentKind.PHOTO, document.file_id, document.file_unique_id,
                document.file_name, document.mime_type, document.file_size)
        data = await self._downloader.fetch(document.file_id, size_hint=document.file_size)
        extracted = await extract_text(data, file_name=document.file_name,
                                       mime_type=document.mime_type,
                                       max_chars=self.limits.document_max_chars)
        record = AttachmentRecord(AttachmentKind.DOCUMENT, document.file_id,
                                  document.file_unique_id, extracted.name, document.mime_type,
                                  document.file_size, extracted.text)
        return document_block(extracted, note=cut_note), record

    async def transcript(self, message: Message) -> AttachmentRecord:
        """A voice note, audio file or round video, transcribed; raises ``MediaError``."""
        assert self._listener is not None, "check can_listen first"
        media = message.voice or message.audio or message.video_note
        assert media is not None
        data = await self._downloader.fetch(media.file_id, size_hint=media.file_size)
        mime = _header_safe(getattr(media, "mime_type", None)) or (
            "video/mp4" if message.video_note else "audio/ogg")
        name = _header_safe(getattr(media, "file_name", None)) or _default_name(mime)
        text = await self._listener.transcribe(data, filename=name, content_type=mime)
        if not text:
            raise NoTextFound("nothing was heard in the recording")
        return AttachmentRecord(AttachmentKind.VOICE, media.file_id, media.file_unique_id, name,
                                mime, media.file_size, text)


def _header_safe(value: str | None) -> str | None:
    """A client's file name or MIME type as a form header may carry it; None when empty.

    Control characters go: aiohttp refuses them in the upload's headers (as
    header injection) before anything is sent.
    """
    cleaned = "".join(c for c in value or "" if unicodedata.category(c) != "Cc").strip()
    return cleaned or None


def _default_name(mime: str) -> str:
    extension = {"audio/ogg": "ogg", "audio/mpeg": "mp3", "video/mp4": "mp4"}.get(mime, "bin")
    return f"voice.{extension}"
