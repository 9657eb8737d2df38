"""Settings announcements across workers: one pub/sub channel, listeners run per worker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from bot.coordination.redis_store import unavailable

log = logging.getLogger(__name__)


class RedisSettingsBus:
    """:class:`~bot.coordination.base.SettingsBus` over a Redis channel.

    The announcing worker hears its own announcement like every other, so all
    workers reload the same way. Listeners run in a task of their own per
    announcement, outside the pub/sub listener.
    """

    def __init__(self, client: Redis, channel: str, worker_id: str) -> None:
        self._client = client
        self._channel = channel
        self._worker_id = worker_id
        self._listeners: list[Callable[[], Awaitable[None]]] = []
        self._running: set[asyncio.Task[None]] = set()

    async def announce(self) -> None:
        """Tell every worker (this one included) that settings changed."""
        with unavailable("announcing a settings change"):
            await self._client.publish(self._channel, self._worker_id)

    def listen(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` whenever any worker announces a change."""
        self._listeners.append(callback)

    def on_announce(self, _sender: str) -> None:
        """An announcement arrived: run the listeners in the background."""
        task = asyncio.create_task(self._run_listeners(), name="settings-listeners")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run_listeners(self) -> None:
        for listener in self._listeners:
            try:
                await listener()
            except Exception:  # nobody awaits this task; one failure must not skip the rest
                log.exception("a settings listener failed")

    async def close(self) -> None:
        """Cancel listeners still running."""
        for task in self._running:
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
