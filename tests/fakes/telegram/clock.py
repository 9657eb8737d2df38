"""Time for the fake Bot API: what it needs of a clock, and a virtual clock for tests."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from typing import Protocol

_SETTLE_ROUNDS = 40  # loop iterations without activity before a FakeClock jumps


class NowClock(Protocol):
    """What the fake server needs of a clock."""

    def now(self) -> float:
        """Current time in seconds."""


class FakeClock:
    """Virtual time for tests: ``advance`` it by hand, or let ``autojump`` run it.

    With autojump, time jumps to the next sleeper's deadline whenever all tasks
    are waiting (on this clock or on each other) and no HTTP request made with
    :class:`~tests.fakes.telegram.session.HoldClock` is in flight: deterministic,
    and as fast as the code runs.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._in_flight = 0
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._new_sleeper = asyncio.Event()
        self._jumper: asyncio.Task[None] | None = None
        self.jumps = 0

    def now(self) -> float:
        """Virtual seconds."""
        return self._now

    async def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of virtual time (zero yields once)."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._order), future))
        self._new_sleeper.set()
        await future

    def advance(self, seconds: float) -> None:
        """Move time forward, waking every sleeper due by then (in deadline order)."""
        target = self._now + seconds
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, deadline)
            if not future.done():
                future.set_result(None)
        self._now = target

    def hold(self) -> None:
        """A request went out: time stands still until it is back."""
        self._in_flight += 1
        self._quiet.clear()

    def release(self) -> None:
        """A request came back."""
        self._in_flight -= 1
        if self._in_flight == 0:
            self._quiet.set()

    def start_autojump(self) -> None:
        """Run time automatically (call inside the test's event loop)."""
        if self._jumper is None:
            self._jumper = asyncio.create_task(self._autojump(), name="fake-clock")

    async def stop(self) -> None:
        """Stop the autojump task."""
        if self._jumper is not None:
            self._jumper.cancel()
            await asyncio.gather(self._jumper, return_exceptions=True)
            self._jumper = None

    async def _settle(self) -> None:
        rounds = 0
        while rounds < _SETTLE_ROUNDS:
            if self._in_flight:
                await self._quiet.wait()
                rounds = 0
                continue
            await asyncio.sleep(0)
            rounds += 1

    async def _autojump(self) -> None:
        while True:
            await self._settle()
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)  # cancelled sleeps
            if not self._sleepers:
                self._new_sleeper.clear()
                await self._new_sleeper.wait()
                continue
            deadline, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, deadline)
            self.jumps += 1
            future.set_result(None)
