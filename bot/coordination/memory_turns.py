"""Turns in one process: an asyncio lock per conversation and a count of who waits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.coordination.base import ChatKey, RunningAnswer, StopReason, TurnBusy


@dataclass(eq=False)
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0
    running: RunningAnswer | None = None


class MemoryTurns:
    """Serialises answers per :class:`ChatKey` with at most ``max_waiting`` waiters.

    asyncio's lock wakes waiters in arrival order, so questions are answered in
    the order they came. A conversation's slot is dropped as soon as nobody
    holds or waits for it, so memory follows the chats that are busy now.
    """

    def __init__(self, max_waiting: int) -> None:
        self._max_waiting = max_waiting
        self._slots: dict[ChatKey, _Slot] = {}

    @asynccontextmanager
    async def turn(self, key: ChatKey, *, asker_id: int) -> AsyncIterator[RunningAnswer]:
        """Wait for the conversation to be free, then hold it (see :class:`Turns`)."""
        slot = self._slots.setdefault(key, _Slot())
        if slot.lock.locked() and slot.waiting >= self._max_waiting:
            raise TurnBusy(key)
        slot.waiting += 1
        try:
            await slot.lock.acquire()
        except BaseException:
            slot.waiting -= 1
            self._forget_if_idle(key, slot)
            raise
        slot.waiting -= 1
        answer = RunningAnswer(key, asker_id)
        slot.running = answer
        try:
            yield answer
        finally:
            slot.running = None
            slot.lock.release()
            self._forget_if_idle(key, slot)

    def _forget_if_idle(self, key: ChatKey, slot: _Slot) -> None:
        if not slot.waiting and not slot.lock.locked() and self._slots.get(key) is slot:
            del self._slots[key]

    async def asker(self, key: ChatKey) -> int | None:
        """Who asked the answer being written here."""
        slot = self._slots.get(key)
        return slot.running.asker_id if slot and slot.running else None

    async def stop(self, key: ChatKey, reason: StopReason = StopReason.USER) -> bool:
        """Stop the answer being written here; False when nothing runs."""
        slot = self._slots.get(key)
        if slot is None or slot.running is None:
            return False
        slot.running.stop(reason)
        return True

    def stop_local(self, reason: StopReason) -> int:
        """Stop every running answer."""
        running = [slot.running for slot in self._slots.values() if slot.running]
        for answer in running:
            answer.stop(reason)
        return len(running)

    @property
    def active(self) -> int:
        """Answers being written now."""
        return sum(1 for slot in self._slots.values() if slot.running)

    @property
    def waiting(self) -> int:
        """Questions waiting for their turn."""
        return sum(slot.waiting for slot in self._slots.values())

    @property
    def tracked(self) -> int:
        """Conversations with a slot (busy ones only; for tests of bounded memory)."""
        return len(self._slots)
