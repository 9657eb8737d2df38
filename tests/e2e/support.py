"""Running ``python -m bot`` with all of its output kept, and servers that are not the Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from tests.fakes.local_server import closed_port, serve_locally

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:AAH-secret-token-value_42-0123456789"
SECRET = TOKEN.partition(":")[2]  # the bot id before the colon is public
API_KEY = "sk-e2e-secret-key-0123456789"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def base_env(tmp_path: Path, api_url: str, **extra: str) -> dict[str, str]:
    """The environment of a bot process at ``api_url`` (a fresh SQLite file, debug logs)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        "PROVIDERS": "openai",
        "OPENAI_API_KEY": API_KEY,
        "LOG_LEVEL": "DEBUG",
        **extra,
    }


class LoggedProcess:
    """One ``python -m bot``; stdout and stderr are read as they come (debug logs are long)."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.stdout, self.stderr = bytearray(), bytearray()
        self._process: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []

    @property
    def pid(self) -> int:
        """The running process's id."""
        assert self._process is not None, "start it first"
        return self._process.pid

    @property
    def output(self) -> str:
        """Everything written so far, stdout then stderr."""
        return (self.stdout + self.stderr).decode(errors="replace")

    async def start(self) -> None:
        """Start the process and the readers of its output."""
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=self.cwd, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        assert self._process.stdout is not None
        assert self._process.stderr is not None
        self._readers = [asyncio.create_task(_drain(self._process.stdout, self.stdout)),
                         asyncio.create_task(_drain(self._process.stderr, self.stderr))]

    async def wait(self, timeout: float = 30) -> int:
        """The exit status, once the process ended on its own and its output is read."""
        assert self._process is not None
        status = await asyncio.wait_for(self._process.wait(), timeout)
        await asyncio.gather(*self._readers)
        return status

    async def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then the exit status."""
        assert self._process is not None
        self._process.send_signal(signal.SIGTERM)
        return await self.wait(timeout)

    async def kill(self) -> None:
        """Make sure the process is gone (after a failed test)."""
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
            await self._process.wait()
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)

    async def until(self, condition: Callable[[], object], what: str,
                    timeout: float = 20) -> None:
        """Wait for ``condition``; fail with the process's output if it never holds."""
        try:
            async with asyncio.timeout(timeout):
                while not condition():
                    assert self._process is not None
                    if self._process.returncode is not None:
                        break
                    await asyncio.sleep(0.02)
        except TimeoutError:
            pass
        assert condition(), f"never saw: {what}\n--- output ---\n{self.output[-5000:]}"


async def _drain(stream: asyncio.StreamReader, sink: bytearray) -> None:
    while chunk := await stream.read(65536):
        sink += chunk


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[str]:
    """A local HTTP server answering every request with ``handler``; its base URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner, url = await serve_locally(app)
    try:
        yield url
    finally:
        await runner.cleanup()


def closed_port_url() -> str:
    """A local URL nothing listens at."""
    port = closed_port()
    return f"http://127.0.0.1:{port}"


def page_quoting(status: int) -> Handler:
    """An HTML page that quotes the URL asked for, as many proxies' error pages do."""
    async def handle(request: web.Request) -> web.Response:
        return web.Response(status=status, content_type="text/html",
                            text=f"<html><h1>{status}</h1><p>{request.url} is not here</p></html>")
    return handle
