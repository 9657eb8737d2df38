"""Liveness, readiness and metrics endpoints for load balancers, orchestrators and Prometheus."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.metrics import Metrics
from bot.oneline import first_line

log = logging.getLogger(__name__)

# Raises (anything) when a dependency the bot needs (database, Redis) does not answer.
ReadinessCheck = Callable[[], Awaitable[None]]


class Readiness:
    """``/readyz``: 200 while the dependencies answer and the process is not stopping.

    The body is a short status only: the probe may be reachable by anyone, and
    a failure's text names hosts, users and databases. The reason goes to the log.
    """

    def __init__(self, check: ReadinessCheck, *, timeout: float = 2.0) -> None:
        self._check = check
        self._timeout = timeout
        self._stopping = False
        self._was_ready: bool | None = None

    def stop(self) -> None:
        """Not ready from now on, so load balancers send traffic elsewhere."""
        self._stopping = True

    async def readyz(self, _request: web.Request) -> web.Response:
        """Run the check within the timeout; report its outcome."""
        if self._stopping:
            return web.Response(status=503, text="stopping")
        try:
            async with asyncio.timeout(self._timeout):
                await self._check()
        # Any failure of the injected check means "not ready"; it is reported, not raised.
        except Exception as exc:
            self._changed(ready=False, reason=first_line(exc))
            return web.Response(status=503, text="not ready")
        self._changed(ready=True, reason="")
        return web.Response(text="ready")

    def _changed(self, *, ready: bool, reason: str) -> None:
        if self._was_ready is not ready:  # log transitions only: probes come every few seconds
            if ready:
                log.info("ready")
            else:
                log.warning("not ready: %s", reason)
        self._was_ready = ready


async def healthz(_request: web.Request) -> web.Response:
    """200 while the process serves requests at all."""
    return web.Response(text="ok")


def metrics_endpoint(metrics: Metrics) -> Callable[[web.Request], Awaitable[web.Response]]:
    """``/metrics``: the Prometheus text exposition of ``metrics``."""

    async def handle(_request: web.Request) -> web.Response:
        body, content_type = metrics.render()
        return web.Response(body=body, headers={"Content-Type": content_type})

    return handle
