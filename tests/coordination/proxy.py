"""A TCP proxy in front of the test Redis (or PostgreSQL) that a test can cut off and restore."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit, urlunsplit


class CuttableProxy:
    """Forwards a local port to the URL's server; :meth:`cut` drops every connection until restored.

    :attr:`url` is the given URL pointing at the proxy (user and password left out).
    """

    def __init__(self, redis_url: str) -> None:
        self._target = urlsplit(redis_url)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._pipes: set[asyncio.Task[None]] = set()
        self.open = True
        self.url = ""

    async def __aenter__(self) -> CuttableProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = urlunsplit(self._target._replace(netloc=f"127.0.0.1:{port}"))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.cut()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def cut(self) -> None:
        """Close every connection; new ones are closed at once until restored."""
        self.open = False
        for writer in list(self._writers):
            writer.close()
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    def restore(self) -> None:
        """Forward new connections again."""
        self.open = True

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            writer.close()
            return
        host, port = self._target.hostname or "127.0.0.1", self._target.port or 6379
        up_reader, up_writer = await asyncio.open_connection(host, port)
        self._writers.update((writer, up_writer))
        pipes = [asyncio.create_task(self._pipe(reader, up_writer)),
                 asyncio.create_task(self._pipe(up_reader, writer))]
        self._pipes.update(pipes)
        for pipe in pipes:
            pipe.add_done_callback(self._pipes.discard)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()
