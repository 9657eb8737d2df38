"""Starting a fake's ``aiohttp.web`` app on a free local port (shared by every fake server)."""

from __future__ import annotations

import socket
from typing import Any

from aiohttp import web


async def serve_locally(app: web.Application, **runner_options: Any) -> tuple[web.AppRunner, str]:
    """Serve ``app`` on 127.0.0.1 (random port); the started runner and the base URL.

    ``runner_options`` go to :class:`aiohttp.web.AppRunner`; the access log is
    always off, so test output stays quiet. Call ``runner.cleanup()`` to stop.
    """
    runner = web.AppRunner(app, access_log=None, **runner_options)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


def closed_port() -> int:
    """A local port nothing listens on (bound, then released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
