"""Pacing in one process: each chat's next slot and 429 window, and the bot-wide GCRA."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.clock import Clock

_EPSILON = 1e-6  # sleeps may end a hair early (float rounding, timer resolution)
_PRUNE_ABOVE = 1024  # chats remembered before settled ones are forgotten


@dataclass(slots=True)
class _ChatSlots:
    next_allowed: float = -math.inf
    blocked_until: float = -math.inf
    burst_until: float = -math.inf  # an answer skipped the spacing: no other one before this
    burst_by: str = ""  # that answer's token


class MemoryPaceStore:
    """Per-chat call slots on ``clock``; chats whose limits have passed are forgotten."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._chats: dict[int, _ChatSlots] = {}

    async def claim(self, chat_id: int, interval: float, *, burst: str | None = None) -> float:
        """Take the chat's next slot now, or say how long until it is free."""
        now = self._clock.now()
        slots = self._chats.get(chat_id)
        if slots is None:
            self._prune(now)
            slots = self._chats[chat_id] = _ChatSlots()
        spaced = max(slots.next_allowed, slots.blocked_until)
        bursting = burst is not None and (slots.burst_until <= now + _EPSILON
                                          or slots.burst_by == burst)
        ready = slots.blocked_until if bursting else spaced
        if ready > now + _EPSILON:
            return ready - now
        if spaced > now + _EPSILON:  # the spacing was skipped: that was a burst
            slots.burst_until, slots.burst_by = now + interval, burst or ""
        slots.next_allowed = now + interval
        return 0.0

    async def block(self, chat_id: int, seconds: float) -> None:
        """Nothing goes to this chat for ``seconds``."""
        slots = self._chats.setdefault(chat_id, _ChatSlots())
        slots.blocked_until = max(slots.blocked_until, self._clock.now() + seconds)

    async def blocked_for(self, chat_id: int) -> float:
        """Seconds left of the chat's 429 window."""
        slots = self._chats.get(chat_id)
        if slots is None:
            return 0.0
        left = slots.blocked_until - self._clock.now()
        return left if left > _EPSILON else 0.0

    @property
    def tracked(self) -> int:
        """Chats remembered now (for tests of bounded memory)."""
        return len(self._chats)

    def _prune(self, now: float) -> None:
        if len(self._chats) < _PRUNE_ABOVE:
            return
        settled = [chat for chat, s in self._chats.items()
                   if max(s.next_allowed, s.blocked_until, s.burst_until) <= now]
        for chat in settled:
            del self._chats[chat]


class MemoryCallLimiter:
    """A token bucket in its "virtual scheduling" form (GCRA), fair in arrival order.

    ``acquire`` books the next free slot before sleeping, so concurrent callers
    queue up instead of waking together and competing again.
    """

    def __init__(self, rate: float, burst: int, clock: Clock) -> None:
        self._spacing = 1.0 / rate
        self._tolerance = (burst - 1) * self._spacing
        self._clock = clock
        self._theoretical = -math.inf  # when the bucket would be exactly empty

    async def try_acquire(self) -> bool:
        """Take a slot only if one is free right now."""
        now = self._clock.now()
        due = max(self._theoretical, now)
        if due - self._tolerance > now + _EPSILON:
            return False
        self._theoretical = due + self._spacing
        return True

    async def acquire(self) -> None:
        """Wait for a slot (returns at once while the burst allowance lasts)."""
        now = self._clock.now()
        due = max(self._theoretical, now)
        self._theoretical = due + self._spacing
        start = due - self._tolerance
        if start > now + _EPSILON:
            await self._clock.sleep(start - now)
