"""Files users send: registered bytes, ``getFile``, downloads and a local server's disk.

``add_file`` registers bytes and gives the fields of a Telegram file object;
``getFile`` answers ``{file_id, file_unique_id, file_size, file_path}`` and
``GET {base}/file/bot{token}/{file_path}`` serves the bytes. Like the public
Bot API, ``getFile`` refuses files over 20 MB (``400 Bad Request: file is too
big``); a local file (``add_file(local=True)`` or ``local_mode``) is written
under ``{temporary directory}/{token}/`` as ``telegram-bot-api --local`` does,
and ``getFile`` gives its absolute path instead, with no size limit.
"""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from aiohttp import web

from tests.fakes.telegram.errors import TelegramError
from tests.fakes.telegram.records import Call
from tests.fakes.telegram.state import TelegramState

PUBLIC_LIMIT = 20 * 1024 * 1024  # the public Bot API's largest download


@dataclass
class StoredFile:
    """One registered file."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str  # relative, as the public Bot API gives it
    file_size: int  # what Telegram says (a test may make it lie)
    local: bool
    local_path: Path | None = None  # once written to the local server's disk


@dataclass
class DownloadTrouble:
    """Scripted trouble for the next ``times`` downloads: an error status or a cut body."""

    status: int | None
    cut_after: int | None
    times: int


class FileStore(TelegramState):
    """Registered files, ``getFile``, the download route and its scripted trouble."""

    def __init__(self, **state: Any) -> None:
        super().__init__(**state)
        self.token = ""  # set by the server
        self.local_mode = False  # True: every getFile answers as telegram-bot-api --local
        self.chunked_downloads = False  # True: downloads carry no Content-Length
        self._files: dict[str, StoredFile] = {}
        self._paths: dict[str, StoredFile] = {}
        self._file_numbers = itertools.count(1)
        self._local_root: Path | None = None
        self._download_gate: asyncio.Event | None = None
        self._download_trouble: list[DownloadTrouble] = []

    def add_file(
        self,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        local: bool = False,
        file_size: int | None = None,
        folder: str = "documents",
    ) -> dict[str, Any]:
        """Register bytes; the file object's fields (``file_id``, ``file_unique_id``…).

        ``file_size`` overrides the size Telegram reports (to make it lie);
        ``file_name`` and ``mime_type`` are echoed for document-like objects.
        """
        suffix = PurePosixPath(file_name).suffix if file_name else ""
        if not suffix and mime_type:
            suffix = mimetypes.guess_extension(mime_type) or ""
        stored = self.register_file(
            data, folder=folder, suffix=suffix, local=local, file_size=file_size
        )
        fields: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if file_name is not None:
            fields["file_name"] = file_name
        if mime_type is not None:
            fields["mime_type"] = mime_type
        return fields

    def register_file(
        self,
        data: bytes,
        *,
        folder: str,
        suffix: str = "",
        local: bool = False,
        file_size: int | None = None,
    ) -> StoredFile:
        """Register bytes under ``{folder}/file_N{suffix}`` (the builders' shared step)."""
        number = next(self._file_numbers)
        stored = StoredFile(
            file_id=f"BQACAgIAAx{number:08d}",
            file_unique_id=f"AgAD{number:04d}",
            data=data,
            file_path=f"{folder}/file_{number}{suffix}",
            file_size=len(data) if file_size is None else file_size,
            local=local,
        )
        self._files[stored.file_id] = self._paths[stored.file_path] = stored
        if local:
            self._write_local(stored)
        return stored

    def local_path(self, file_id: str) -> Path:
        """Where a local file lies on the local server's disk (written on first use)."""
        return self._write_local(self._files[file_id])

    # -- scripted trouble ------------------------------------------------------------------

    def pause_downloads(self) -> asyncio.Event:
        """Downloads send half of the bytes, then wait until the returned event is set."""
        self._download_gate = asyncio.Event()
        return self._download_gate

    def fail_downloads(self, status: int = 500, *, times: int = 1) -> None:
        """Answer the next ``times`` downloads with an HTTP error ``status``."""
        self._download_trouble.append(DownloadTrouble(status, None, times))

    def cut_downloads(self, after: int, *, times: int = 1) -> None:
        """Drop the connection after ``after`` bytes of the next ``times`` downloads."""
        self._download_trouble.append(DownloadTrouble(None, after, times))

    # -- the Bot API side ------------------------------------------------------------------

    def _m_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(params.get("file_id", ""))
        if stored is None:
            raise TelegramError(400, "Bad Request: invalid file_id")
        result = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if stored.local or self.local_mode:
            return {**result, "file_path": str(self._write_local(stored))}
        if stored.file_size > PUBLIC_LIMIT:
            raise TelegramError(400, "Bad Request: file is too big")
        return {**result, "file_path": stored.file_path}

    def _write_local(self, stored: StoredFile) -> Path:
        if stored.local_path is None:
            if self._local_root is None:
                self._local_root = Path(tempfile.mkdtemp(prefix="fake-bot-api-"))
            path = self._local_root / self.token / stored.file_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(stored.data)
            stored.local_path = path
            # A local server does not serve files over HTTP; this fake does, for
            # bots that cannot see its disk (as a reverse proxy in front would).
            self._paths[str(path).lstrip("/")] = stored
        return stored.local_path

    def _remove_local_files(self) -> None:
        if self._local_root is not None:
            shutil.rmtree(self._local_root, ignore_errors=True)

    async def _serve_file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"].lstrip("/")
        call = Call("download", {"file_path": path}, self.clock.now())
        self.log.append(call)
        self._called.set()
        stored = self._paths.get(path) if request.match_info["token"] == self.token else None
        trouble = self._take_trouble() if stored is not None else None
        status = 404 if stored is None else trouble.status if trouble else None
        if stored is None or status is not None:
            call.status = status or 404
            call.description = "Not Found" if stored is None else "Scripted failure"
            body = {"ok": False, "error_code": call.status, "description": call.description}
            return web.json_response(body, status=call.status)
        return await self._stream(request, stored.data, trouble)

    def _take_trouble(self) -> DownloadTrouble | None:
        for trouble in self._download_trouble:
            if trouble.times > 0:
                trouble.times -= 1
                return trouble
        return None

    async def _stream(
        self, request: web.Request, data: bytes, trouble: DownloadTrouble | None
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        if not self.chunked_downloads:
            response.content_length = len(data)
        await response.prepare(request)
        sent = 0
        if self._download_gate is not None:
            sent = len(data) // 2
            await response.write(data[:sent])
            await self._download_gate.wait()
        if trouble is not None and trouble.cut_after is not None:
            await response.write(data[sent : trouble.cut_after])
            assert request.transport is not None
            request.transport.close()
            return response
        await response.write(data[sent:])
        await response.write_eof()
        return response
