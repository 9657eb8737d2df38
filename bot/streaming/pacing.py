"""One chat's pacing: an interval that adapts to 429s, over slots shared with other writers.

Telegram's limits are per chat (about 1/s in private chats, 20/min in groups)
and per bot (about 30/s). Every writer of a chat shares that chat's
:class:`ChatPace`; the slots themselves (the next free moment, the 429 window)
live in a :class:`~bot.coordination.base.PaceStore`, which several workers may share.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.coordination.base import PaceStore
from bot.streaming.config import StreamConfig


class ChatPace:
    """When the next call to one chat may go out, and how the spacing adapts to 429s.

    After a 429 nothing is sent until ``retry_after`` has passed, and the
    interval grows by ``flood_backoff_factor``; the extra part then halves every
    ``flood_recovery_half_life`` seconds, drifting back to the configured interval.
    """

    def __init__(self, chat_id: int, base_interval: float, config: StreamConfig, clock: Clock,
                 store: PaceStore) -> None:
        self.chat_id = chat_id
        self.base_interval = base_interval
        self._config = config
        self._clock = clock
        self._store = store
        self._extra = 0.0
        self._extra_since = 0.0
        self.draft_refused = False  # drafts failed here: stream by edits
        self.writers = 0  # open writers of this chat (the streamer forgets idle paces)

    def interval(self) -> float:
        """The current minimum spacing of calls to this chat."""
        if self._extra <= 0:
            return self.base_interval
        age = max(0.0, self._clock.now() - self._extra_since)
        decay: float = 0.5 ** (age / self._config.flood_recovery_half_life)
        return self.base_interval + self._extra * decay

    async def blocked_for(self) -> float:
        """Seconds left of the chat's 429 window (0.0 when none)."""
        return await self._store.blocked_for(self.chat_id)

    async def wait_unblocked(self) -> None:
        """Sleep until the 429 window (if any) has passed."""
        while (left := await self._store.blocked_for(self.chat_id)) > 0:
            await self._clock.sleep(left)

    async def wait_turn(self, *, burst: str | None = None) -> None:
        """Sleep until a call may go to this chat, then claim that turn.

        ``burst`` (the answer's token) skips the spacing, never a 429 window: an
        answer's last messages go out at once, and the turn after them is booked
        one interval later (see :meth:`~bot.coordination.base.PaceStore.claim`).
        """
        while (wait := await self._store.claim(self.chat_id, self.interval(), burst=burst)) > 0:
            await self._clock.sleep(wait)

    async def on_flood(self, retry_after: float) -> None:
        """Record a 429: block the chat for ``retry_after`` and lengthen the interval."""
        await self._store.block(self.chat_id, retry_after + self._config.retry_after_margin)
        longer = min(self._config.flood_max_interval,
                     self.interval() * self._config.flood_backoff_factor)
        self._extra = max(0.0, longer - self.base_interval)
        self._extra_since = self._clock.now()

    def idle(self) -> bool:
        """True when forgetting this pace would change nothing here (no writers, settled)."""
        settled = self._extra <= 0 or self.interval() - self.base_interval < 0.01
        return self.writers == 0 and not self.draft_refused and settled
