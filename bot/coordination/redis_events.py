"""One pub/sub connection per worker: every channel's messages go to its handler.

Handlers are plain functions that only set events or start tasks, so a slow
handler can never hold up a stop request behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from bot.coordination.base import CoordinationError
from bot.coordination.redis_store import COMMAND_TIMEOUT, unavailable

log = logging.getLogger(__name__)

Handler = Callable[[str], None]

# The listener reads with this timeout (no traffic: the read only returns to the
# loop), which keeps it independent of the client's socket timeout.
READ_TIMEOUT = 1.0
RETRY_AFTER = 0.5  # seconds between attempts while the connection is down


class RedisEvents:
    """Subscribes to ``handlers``' channels and runs the listener task until closed."""

    def __init__(self, client: Redis, handlers: Mapping[str, Handler],
                 on_reconnect: Callable[[], None]) -> None:
        self._client = client
        self._handlers = dict(handlers)
        self._on_reconnect = on_reconnect
        self._pubsub: PubSub | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Subscribe, and return once Redis confirmed every channel (nothing sent later is lost)."""
        self._pubsub = pubsub = self._client.pubsub()
        with unavailable("subscribing to announcements"):
            await pubsub.subscribe(*self._handlers)
            confirmed = 0
            async with asyncio.timeout(COMMAND_TIMEOUT):
                while confirmed < len(self._handlers):
                    message = await pubsub.get_message(timeout=READ_TIMEOUT)
                    if message is not None and message["type"] == "subscribe":
                        confirmed += 1
        self._task = asyncio.create_task(self._listen(pubsub), name="redis-events")

    async def _listen(self, pubsub: PubSub) -> None:
        failing = False
        while True:
            try:
                with unavailable("listening for announcements"):
                    message = await pubsub.get_message(ignore_subscribe_messages=True,
                                                       timeout=READ_TIMEOUT)
            except CoordinationError as exc:
                if not failing:
                    log.warning("%s; retrying", exc)
                    failing = True
                await asyncio.sleep(RETRY_AFTER)
                continue
            if failing:
                failing = False
                log.info("listening for announcements again")
                self._on_reconnect()  # what was announced meanwhile is lost
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        handler = self._handlers.get(message.get("channel", ""))
        if handler is not None and isinstance(message.get("data"), str):
            handler(message["data"])

    async def close(self) -> None:
        """Stop the listener and close the pub/sub connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):  # closing: nothing left to tell
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # redis lacks it
