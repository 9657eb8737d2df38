"""Telegram's webhook: the secret checked, the update handed on, and 200 sent soon.

Telegram waits for the response before it sends more and redelivers what it
did not get an answer for, so the response goes out when the update has been
handled or after ``answer_within`` seconds, whichever comes first; the rest of
the work goes on in the background (kept here, awaited when the server stops).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

OnUpdate = Callable[[dict[str, Any]], Coroutine[Any, Any, None]]


class Webhook:
    """The endpoint Telegram posts updates to (POST at ``path``)."""

    def __init__(self, path: str, secret: str, on_update: OnUpdate, *,
                 answer_within: float = 0.5) -> None:
        self.path = path
        self._secret = secret.encode()
        self._on_update = on_update
        self._answer_within = answer_within
        self._refusing = False
        self._handling: set[asyncio.Task[None]] = set()

    async def handle(self, request: web.Request) -> web.Response:
        """401 without the right secret, 503 while stopping, 400 for a body that is not JSON."""
        offered = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(offered, self._secret):  # constant time: no timing oracle
            return web.Response(status=401, text="unauthorized")
        if self._refusing:  # Telegram delivers it again later, to a worker that stays
            return web.Response(status=503, text="stopping")
        try:
            update = await request.json()
        except ValueError:
            return web.Response(status=400, text="the body is not JSON")
        if not isinstance(update, dict):
            return web.Response(status=400, text="the body is not a JSON object")
        task = asyncio.create_task(self._on_update(update), name="webhook-update")
        self._handling.add(task)
        task.add_done_callback(self._finished)
        done, _ = await asyncio.wait({task}, timeout=self._answer_within)
        if task in done and not task.cancelled() and task.exception() is not None:
            return web.Response(status=500, text="the update could not be handled")
        return web.Response(text="ok")

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._handling.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("an update could not be handled", exc_info=error)

    def refuse(self) -> None:
        """From now on answer 503: this process is stopping."""
        self._refusing = True

    async def drain(self, grace: float) -> None:
        """Wait up to ``grace`` seconds for updates in hand, then cancel the rest."""
        if not self._handling:
            return
        _, late = await asyncio.wait(set(self._handling), timeout=grace)
        for task in late:
            task.cancel()
        if late:
            log.warning("cancelled %d updates still being handled at shutdown", len(late))
            await asyncio.gather(*late, return_exceptions=True)
