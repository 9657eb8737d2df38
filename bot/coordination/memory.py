"""Shared state for one process (the default): everything lives in this process's memory."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection

from bot.clock import Clock, LoopClock
from bot.coordination.base import Coordination
from bot.coordination.memory_pacing import MemoryCallLimiter, MemoryPaceStore
from bot.coordination.memory_turns import MemoryTurns

# Telegram redelivers unconfirmed updates for a while; this many recent ids cover it.
REMEMBERED_UPDATES = 10_000


class MemoryUpdateLog:
    """The most recent update ids, oldest forgotten first."""

    def __init__(self, size: int = REMEMBERED_UPDATES) -> None:
        self._size = size
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def first_time(self, update_id: int) -> bool:
        """True the first time ``update_id`` is seen."""
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True

    async def forget(self, update_id: int) -> None:
        """A redelivery of ``update_id`` is handled again."""
        self._seen.pop(update_id, None)


class LocalSettingsBus:
    """One process: an announcement runs this process's listeners."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], Awaitable[None]]] = []

    async def announce(self) -> None:
        """Run every listener now."""
        for listener in self._listeners:
            await listener()

    def listen(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` on every announcement."""
        self._listeners.append(callback)


class SoleWorker:
    """One process: it is the only worker alive; any other id belongs to an earlier run."""

    def __init__(self) -> None:
        self._id = f"w-{uuid.uuid4().hex[:12]}"

    @property
    def worker_id(self) -> str:
        """This process's id."""
        return self._id

    async def alive(self, worker_ids: Collection[str]) -> set[str]:
        """Only this process is alive."""
        return {self._id} & set(worker_ids)


async def _always_ready() -> None:
    return None


def in_memory(*, max_waiting: int, global_rate: float, global_burst: int,
              clock: Clock | None = None) -> Coordination:
    """Shared state for a single process."""
    clock = clock or LoopClock()
    return Coordination(
        turns=MemoryTurns(max_waiting),
        paces=MemoryPaceStore(clock),
        limiter=MemoryCallLimiter(global_rate, global_burst, clock),
        updates=MemoryUpdateLog(),
        settings=LocalSettingsBus(),
        workers=SoleWorker(),
        ping=_always_ready,
        shared=False,
    )
