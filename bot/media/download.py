"""Fetching a file a user sent: getFile, then the bytes, never more than a cap.

The download URL holds the bot token (``{api}/file/bot<token>/<file_path>``),
and a local Bot API server's ``file_path`` does too (its files live under a
directory named after the token), so neither ever goes into a message, a log
line or an exception this module raises or chains.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import PurePosixPath

import aiohttp
from aiogram import Bot
from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramBadRequest

from bot.media.errors import DownloadFailed, FileTooLarge
from bot.media.local_files import read_local
from bot.oneline import first_line
from bot.redaction import Redactor

log = logging.getLogger(__name__)

PUBLIC_API_LIMIT = 20 * 1024 * 1024  # the public Bot API serves files up to 20 MB
_CHUNK = 64 * 1024


class FileDownloader:
    """Downloads Telegram files by ``file_id`` with a size cap, without blocking the loop."""

    def __init__(
        self,
        bot: Bot,
        api_url: str,
        session: aiohttp.ClientSession,
        *,
        max_bytes: int = PUBLIC_API_LIMIT,
        read_timeout: float = 60.0,
        redact: Redactor | None = None,
    ) -> None:
        self._bot = bot
        self._redact = redact or Redactor([bot.token])
        self._api_url = api_url.rstrip("/")
        self._session = session
        self.max_bytes = max_bytes
        self._timeout = aiohttp.ClientTimeout(sock_connect=read_timeout, sock_read=read_timeout)

    def __repr__(self) -> str:
        return f"FileDownloader(api_url={self._api_url!r}, max_bytes={self.max_bytes})"

    async def fetch(self, file_id: str, *, size_hint: int | None = None) -> bytes:
        """The file's bytes; ``size_hint`` is Telegram's ``file_size``, checked before any call.

        Raises :class:`FileTooLarge` over ``max_bytes`` (however the size is
        learnt) and :class:`DownloadFailed` when Telegram or the network fails.
        """
        self.check_size(size_hint)
        file_path, file_size = await self._locate(file_id)
        self.check_size(file_size)
        if PurePosixPath(file_path).is_absolute():
            # A local Bot API server (``--local``) names a file on its own disk.
            data = await asyncio.to_thread(read_local, file_path, self.max_bytes)
            if data is not None:
                log.debug("read file %s from disk: %d bytes", file_id, len(data))
                return data
        data = await self._download(file_path)
        log.debug("downloaded file %s: %d bytes", file_id, len(data))
        return data

    def check_size(self, size: int | None) -> None:
        """Raise :class:`FileTooLarge` when a known size is over the cap."""
        if size is not None and size > self.max_bytes:
            raise FileTooLarge(size=size, limit=self.max_bytes)

    async def _locate(self, file_id: str) -> tuple[str, int | None]:
        try:
            file = await self._bot.get_file(file_id)
        # Telegram's refusals and network failures; and an answer that is no Bot API answer
        # (a proxy's error page, garbage, JSON that is not a File), which aiogram decodes to
        # ClientDecodeError: each is the user's "could not download", never a crash.
        except (TelegramAPIError, ClientDecodeError) as exc:
            error = exc  # raised below, outside this block, so no __context__ keeps it
        else:
            if not file.file_path:
                raise DownloadFailed("getFile gave no file_path")
            return file.file_path, file.file_size
        if isinstance(error, TelegramBadRequest) and "file is too big" in error.message:
            raise FileTooLarge(size=None, limit=PUBLIC_API_LIMIT) from self._safe(error)
        status = 400 if isinstance(error, TelegramBadRequest) else None
        raise DownloadFailed(
            f"getFile failed: {self._redact(first_line(error.message))}", status=status
        ) from self._safe(error)

    async def _download(self, file_path: str) -> bytes:
        url = f"{self._api_url}/file/bot{self._bot.token}/{file_path}"
        try:
            async with self._session.get(url, timeout=self._timeout) as response:
                if response.status != 200:
                    raise DownloadFailed(
                        f"download answered HTTP {response.status}", status=response.status
                    )
                self.check_size(response.content_length)
                return await self._read_capped(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = exc  # raised below, outside this block, so no __context__ keeps it
        raise DownloadFailed(f"download failed: {type(error).__name__}") from self._safe(error)

    def _safe(self, cause: BaseException) -> BaseException | None:
        """``cause`` to chain, or None when anything in its chain quotes the token.

        Some aiohttp errors quote the request URL, and the URL holds the token.
        """
        seen: set[int] = set()
        link: BaseException | None = cause
        while link is not None and id(link) not in seen:
            seen.add(id(link))
            if self._bot.token in f"{link!s}{link!r}":
                return None
            link = link.__cause__ or link.__context__
        return cause

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytes:
        data = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            data += chunk
            if len(data) > self.max_bytes:
                # Leaving the ``async with`` drops the connection mid-body.
                raise FileTooLarge(size=None, limit=self.max_bytes)
        return bytes(data)
