"""One answer at a time per conversation; a few questions may wait their turn."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.services.turns import ChatKey, StopReason


class ChatBusy(Exception):
    """Too many questions are already waiting in this conversation."""


@dataclass(eq=False)
class RunningAnswer:
    """The answer being written in one conversation, and the means to stop it."""

    key: ChatKey
    stopped: asyncio.Event = field(default_factory=asyncio.Event)
    reason: StopReason | None = None
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self, reason: StopReason) -> None:
        """Ask the answer to end; the first reason given wins."""
        if self.reason is None:
            self.reason = reason
        self.stopped.set()


@dataclass(eq=False)
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0
    running: RunningAnswer | None = None


class ChatQueue:
    """Serialises answers per :class:`ChatKey` with a bounded number of waiters."""

    def __init__(self, max_waiting: int) -> None:
        self._max_waiting = max_waiting
        self._slots: dict[ChatKey, _Slot] = {}
        self._closing = False

    @asynccontextmanager
    async def turn(self, key: ChatKey) -> AsyncIterator[RunningAnswer]:
        """Wait for the conversation to be free, then hold it while answering.

        Raises :class:`ChatBusy` at once when ``max_waiting`` questions already wait.
        """
        slot = self._slots.setdefault(key, _Slot())
        if slot.lock.locked() and slot.waiting >= self._max_waiting:
            raise ChatBusy(key)
        slot.waiting += 1
        try:
            await slot.lock.acquire()
        finally:
            slot.waiting -= 1
        answer = RunningAnswer(key)
        if self._closing:
            answer.stop(StopReason.SHUTDOWN)
        slot.running = answer
        try:
            yield answer
        finally:
            slot.running = None
            answer.finished.set()
            slot.lock.release()
            if not slot.waiting and not slot.lock.locked():
                del self._slots[key]

    def running(self, key: ChatKey) -> RunningAnswer | None:
        """The answer being written in this conversation, if any."""
        slot = self._slots.get(key)
        return slot.running if slot else None

    def stop(self, key: ChatKey, reason: StopReason = StopReason.USER) -> bool:
        """Stop the answer in this conversation; False when nothing was running."""
        answer = self.running(key)
        if answer is None:
            return False
        answer.stop(reason)
        return True

    async def shutdown(self, timeout: float) -> None:
        """Stop every answer (and every queued one as it starts); wait up to ``timeout``."""
        self._closing = True
        answers = [slot.running for slot in self._slots.values() if slot.running]
        for answer in answers:
            answer.stop(StopReason.SHUTDOWN)
        if not answers:
            return
        waiters = [asyncio.create_task(a.finished.wait()) for a in answers]
        try:
            await asyncio.wait(waiters, timeout=timeout)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)
