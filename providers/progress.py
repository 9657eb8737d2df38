"""The progress deadline: how long a request may wait without the model producing anything.

Keep-alives keep a connection open without being progress, so socket idle
timers cannot tell a thinking model from a stuck one. A :class:`ProgressClock`
is wound up by every text or reasoning piece and runs down only while the
client waits for the server: each body read is awaited under the time that is
left (a scope around the read alone, never around a ``yield``), so time the
consumer spends between pieces is not counted against the provider.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


class ProgressClock:
    """``limit`` seconds of waiting for the server between two signs of progress."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.expired = False  # set when this clock (not a socket timer) ran out
        self._left = limit

    def progress(self) -> None:
        """The model produced something: the full limit is available again."""
        self._left = self.limit

    async def wait(self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable`` within the time left; ``TimeoutError`` when it runs out."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        scope = asyncio.timeout(max(self._left, 0.0))
        try:
            async with scope:
                return await awaitable
        except TimeoutError:
            if scope.expired():
                self.expired = True
            raise
        finally:
            self._left -= loop.time() - started
