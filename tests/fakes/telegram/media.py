"""What users send besides text: photos (albums too), documents, voice, audio, round videos.

Every file goes through :meth:`~tests.fakes.telegram.files.FileStore.add_file`'s
registry, so ``getFile`` and downloads work for it; the messages validate as
aiogram ``Message`` objects. A photo's bytes default to :func:`jpeg_stub`, a
JPEG header naming its size (enough for MIME sniffing, not a picture).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from tests.fakes.telegram.files import FileStore
from tests.fakes.telegram.origins import Origins
from tests.fakes.telegram.updates import UserActions

DEFAULT_SIZES = ((90, 68), (320, 240), (800, 600), (1280, 960))


def jpeg_stub(width: int, height: int) -> bytes:
    """JPEG markers (SOI, JFIF APP0, a comment naming the size, EOI): sniffs as image/jpeg."""
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = f"photo {width}x{height}".encode()
    return (
        b"\xff\xd8"
        + b"\xff\xe0" + struct.pack(">H", len(jfif) + 2) + jfif
        + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
        + b"\xff\xd9"
    )


class MediaActions(UserActions, Origins, FileStore):
    """Builders of media messages; each returns the queued update."""

    def photo_sizes(
        self,
        sizes: Sequence[tuple[int, int]] = DEFAULT_SIZES,
        images: Sequence[bytes] | None = None,
        *,
        local: bool = False,
    ) -> list[dict[str, Any]]:
        """``PhotoSize`` objects of one picture (``images[i]`` are the bytes of ``sizes[i]``)."""
        photo = []
        for index, (width, height) in enumerate(sizes):
            data = images[index] if images is not None else jpeg_stub(width, height)
            stored = self.register_file(data, folder="photos", suffix=".jpg", local=local)
            photo.append({
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.file_size,
                "width": width,
                "height": height,
            })
        return photo

    def media_message(
        self,
        chat_id: int,
        user_id: int,
        media: dict[str, Any],
        *,
        caption: str | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        mention_in_caption: bool = False,
        media_group_id: str | None = None,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """Any media message (``media``: e.g. ``{"photo": [...]}``), with an optional caption."""
        text = caption or ""
        if mention_in_caption:
            text, caption_entities = self.mentioned(text, caption_entities)
        if media_group_id is not None:
            media = {**media, "media_group_id": media_group_id}
        message = self._store(
            chat_id,
            text,
            caption_entities,
            from_bot=False,
            user_id=user_id,
            thread_id=thread_id,
            reply_to=reply_to_message_id,
            media=media,
        )
        return self.push_update({"message": self.message_json(message)})

    def private_photo(
        self,
        user_id: int,
        sizes: Sequence[tuple[int, int]] = DEFAULT_SIZES,
        *,
        images: Sequence[bytes] | None = None,
        caption: str | None = None,
        media_group_id: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """A user sends a photo (one of an album with ``media_group_id``) to the bot."""
        return self.media_message(
            user_id,
            user_id,
            {"photo": self.photo_sizes(sizes, images)},
            caption=caption,
            media_group_id=media_group_id,
            reply_to_message_id=reply_to_message_id,
        )

    def group_photo(
        self,
        chat_id: int,
        user_id: int,
        sizes: Sequence[tuple[int, int]] = DEFAULT_SIZES,
        *,
        images: Sequence[bytes] | None = None,
        caption: str | None = None,
        mention_in_caption: bool = False,
        media_group_id: str | None = None,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """A user sends a photo in a group; ``mention_in_caption`` addresses the bot."""
        return self.media_message(
            chat_id,
            user_id,
            {"photo": self.photo_sizes(sizes, images)},
            caption=caption,
            mention_in_caption=mention_in_caption,
            media_group_id=media_group_id,
            thread_id=thread_id,
            reply_to_message_id=reply_to_message_id,
        )

    def private_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str | None,
        mime_type: str | None,
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        file_size: int | None = None,
        local: bool = False,
    ) -> dict[str, Any]:
        """A user sends a file; ``file_size`` makes Telegram report another size."""
        document = self.add_file(
            data, file_name=file_name, mime_type=mime_type, file_size=file_size, local=local
        )
        return self.media_message(
            user_id, user_id, {"document": document}, caption=caption,
            media_group_id=media_group_id,
        )

    def private_voice(
        self, user_id: int, data: bytes, *, duration: int = 3, caption: str | None = None
    ) -> dict[str, Any]:
        """A user records a voice note (OGG/Opus)."""
        voice = self.add_file(data, mime_type="audio/ogg", folder="voice")
        voice["duration"] = duration
        return self.media_message(user_id, user_id, {"voice": voice}, caption=caption)

    def private_audio(
        self,
        user_id: int,
        data: bytes,
        *,
        duration: int = 30,
        file_name: str = "audio.mp3",
        mime_type: str = "audio/mpeg",
        title: str | None = None,
        performer: str | None = None,
    ) -> dict[str, Any]:
        """A user sends a music file."""
        audio = self.add_file(data, file_name=file_name, mime_type=mime_type, folder="music")
        audio["duration"] = duration
        if title is not None:
            audio["title"] = title
        if performer is not None:
            audio["performer"] = performer
        return self.media_message(user_id, user_id, {"audio": audio})

    def private_video_note(
        self, user_id: int, data: bytes, *, duration: int = 5, length: int = 384
    ) -> dict[str, Any]:
        """A user records a round video (``length``: its diameter)."""
        note = self.register_file(data, folder="video_notes", suffix=".mp4")
        video_note = {
            "file_id": note.file_id,
            "file_unique_id": note.file_unique_id,
            "file_size": note.file_size,
            "duration": duration,
            "length": length,
        }
        return self.media_message(user_id, user_id, {"video_note": video_note})
