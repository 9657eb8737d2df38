"""Injectable time: the streaming code never reads the wall clock directly.

Production uses the event loop's monotonic clock; tests and benchmarks pass a
controllable clock so that pacing and flood control run deterministically.
"""

from __future__ import annotations

import asyncio
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds and a matching sleep."""

    def now(self) -> float:
        """Current time in seconds (monotonic; only differences matter)."""

    async def sleep(self, seconds: float) -> None:
        """Suspend the caller for ``seconds`` of this clock's time."""


class LoopClock:
    """The running event loop's monotonic clock."""

    def now(self) -> float:
        """Loop time in seconds."""
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep`` (zero or negative yields once)."""
        await asyncio.sleep(max(0.0, seconds))


async def wait_event(clock: Clock, event: asyncio.Event, timeout: float) -> bool:
    """Wait until ``event`` is set or ``timeout`` passes on ``clock``; True if it was set.

    ``asyncio.wait_for`` would measure the timeout on the loop's clock, which a
    fake clock does not drive, so the timeout is a sleep on ``clock`` instead.
    """
    if event.is_set():
        return True
    if timeout <= 0:
        return False
    waiter = asyncio.ensure_future(event.wait())
    sleeper = asyncio.ensure_future(clock.sleep(timeout))
    try:
        await asyncio.wait((waiter, sleeper), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (waiter, sleeper):
            if not task.done():
                task.cancel()
        await asyncio.gather(waiter, sleeper, return_exceptions=True)
    return event.is_set()
