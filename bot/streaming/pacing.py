"""Pacing of Telegram calls: one bot-wide rate limiter and a pace per chat.

Telegram's limits are per chat (about 1/s in private chats, 20/min in groups)
and per bot (about 30/s). Every writer of a chat shares that chat's
:class:`ChatPace`; every call of the bot goes through one :class:`RateLimiter`.
"""

from __future__ import annotations

import math

from bot.streaming.clock import Clock
from bot.streaming.config import StreamConfig

_EPSILON = 1e-6  # sleeps may end a hair early (float rounding, timer resolution)


class RateLimiter:
    """A token bucket in its "virtual scheduling" form (GCRA), fair in arrival order.

    ``acquire`` books the next free slot before sleeping, so concurrent callers
    queue up instead of waking together and competing again.
    """

    def __init__(self, rate: float, burst: int, clock: Clock) -> None:
        self._spacing = 1.0 / rate
        self._tolerance = (burst - 1) * self._spacing
        self._clock = clock
        self._theoretical = -math.inf  # when the bucket would be exactly empty

    def try_acquire(self) -> bool:
        """Take a slot only if one is free right now (for calls that may be skipped)."""
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


class ChatPace:
    """When the next call to one chat may go out, and how that adapts to 429s.

    After a 429 nothing is sent until ``retry_after`` has passed, and the
    interval grows by ``flood_backoff_factor``; the extra part then halves every
    ``flood_recovery_half_life`` seconds, drifting back to the configured interval.
    """

    def __init__(self, base_interval: float, config: StreamConfig, clock: Clock) -> None:
        self.base_interval = base_interval
        self._config = config
        self._clock = clock
        self.next_allowed = -math.inf
        self.blocked_until = -math.inf
        self._extra = 0.0
        self._extra_since = 0.0
        self.draft_refused = False  # Telegram refused sendMessageDraft here: use edits
        self.writers = 0  # open writers sharing this pace (the streamer prunes idle paces)

    def interval(self) -> float:
        """The current minimum spacing of calls to this chat."""
        if self._extra <= 0:
            return self.base_interval
        age = max(0.0, self._clock.now() - self._extra_since)
        decay: float = 0.5 ** (age / self._config.flood_recovery_half_life)
        return self.base_interval + self._extra * decay

    def blocked(self) -> bool:
        """True inside a flood-control window: no call of any kind may go to this chat."""
        return self._clock.now() < self.blocked_until - _EPSILON

    async def wait_unblocked(self) -> None:
        """Sleep until the flood-control window (if any) has passed."""
        while (left := self.blocked_until - self._clock.now()) > _EPSILON:
            await self._clock.sleep(left)

    async def wait_turn(self) -> None:
        """Sleep until a call may go to this chat, then claim that turn.

        Checking and claiming happen without a suspension in between, so two
        writers of one chat (two forum topics) never both take the same turn.
        """
        while True:
            now = self._clock.now()
            ready = max(self.next_allowed, self.blocked_until)
            if ready <= now + _EPSILON:
                self.next_allowed = now + self.interval()
                return
            await self._clock.sleep(ready - now)

    def on_flood(self, retry_after: float) -> None:
        """Record a 429: block the chat for ``retry_after`` and lengthen the interval."""
        now = self._clock.now()
        self.blocked_until = max(
            self.blocked_until, now + retry_after + self._config.retry_after_margin
        )
        longer = min(
            self._config.flood_max_interval, self.interval() * self._config.flood_backoff_factor
        )
        self._extra = max(0.0, longer - self.base_interval)
        self._extra_since = now

    def idle(self) -> bool:
        """True when forgetting this pace would change nothing (no writers, no pending limits)."""
        now = self._clock.now()
        settled = self._extra <= 0 or self.interval() - self.base_interval < 0.01
        return (
            self.writers == 0
            and not self.draft_refused
            and now >= self.next_allowed
            and now >= self.blocked_until
            and settled
        )
