"""The photos of a context, fetched from Telegram (once, then cached) when a model can see them."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Protocol

from bot.db import AttachmentRecord
from bot.media import MediaError, image_mime
from bot.services.context import ContextTurn
from providers.messages import IMAGE_MARKER, ChatMessage, Image

log = logging.getLogger(__name__)

CACHE_BYTES = 32 * 1024 * 1024  # recent photos kept for the next turns of their chats


class PhotoSource(Protocol):
    """Where photos come from (the Telegram file downloader)."""

    async def fetch(self, file_id: str, *, size_hint: int | None = None) -> bytes:
        """The file's bytes."""


class ContextImages:
    """Turns a context's photo references into images for the provider."""

    def __init__(self, source: PhotoSource | None, *, cache_bytes: int = CACHE_BYTES) -> None:
        self._source = source
        self._cache: OrderedDict[str, Image] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._cached = 0

    async def messages(self, turns: list[ContextTurn], *, see: bool) -> list[ChatMessage]:
        """The context's messages; photos attached only when some model asked can ``see``.

        A photo that cannot be fetched any more (expired, deleted) becomes a marker.
        """
        fetch = see and self._source is not None
        return list(await asyncio.gather(*(self._message(turn, fetch) for turn in turns)))

    async def _message(self, turn: ContextTurn, fetch: bool) -> ChatMessage:
        message = turn.message
        if not turn.photos:
            return message
        images = await asyncio.gather(*(self._image(p) for p in turn.photos)) if fetch else []
        kept = tuple(image for image in images if image is not None)
        missing = len(turn.photos) - len(kept)
        content = " ".join([message.content, *[IMAGE_MARKER] * missing]).strip()
        return ChatMessage(message.role, content, kept)

    async def _image(self, photo: AttachmentRecord) -> Image | None:
        key = photo.file_unique_id or photo.file_id
        if (cached := self._cache.get(key)) is not None:
            self._cache.move_to_end(key)
            return cached
        assert self._source is not None
        try:
            data = await self._source.fetch(photo.file_id, size_hint=photo.size)
        except MediaError as exc:
            log.info("a photo could not be fetched again (%s): %s", exc.kind, exc)
            return None
        image = Image(data, image_mime(data, photo.mime_type) or "image/jpeg")
        self._remember(key, image)
        return image

    def _remember(self, key: str, image: Image) -> None:
        if len(image.data) > self._cache_bytes:
            return
        self._cache[key] = image
        self._cached += len(image.data)
        while self._cached > self._cache_bytes:
            _, dropped = self._cache.popitem(last=False)
            self._cached -= len(dropped.data)
