"""The heartbeat: every third of the lease, renew what this worker keeps alive in Redis."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.coordination.base import CoordinationError

log = logging.getLogger(__name__)

Beat = Callable[[], Awaitable[None]]


class Heartbeat:
    """Runs ``beats`` now and then every ``period`` seconds until closed.

    A third of the lease leaves two more chances before anything lapses when
    Redis is briefly out of reach.
    """

    def __init__(self, beats: Sequence[Beat], period: float) -> None:
        self._beats = tuple(beats)
        self._period = period
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Beat once (errors raise: the worker is not alive yet), then keep beating."""
        for beat in self._beats:
            await beat()
        self._task = asyncio.create_task(self._run(), name="redis-heartbeat")

    async def _run(self) -> None:
        failing = False
        while True:
            await asyncio.sleep(self._period)
            try:
                for beat in self._beats:
                    await beat()
            except CoordinationError as exc:
                if not failing:
                    log.warning("heartbeat: %s", exc)
                failing = True
            else:
                if failing:
                    log.info("heartbeat: Redis answers again")
                failing = False

    async def close(self) -> None:
        """Stop beating."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
