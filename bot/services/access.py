"""Who may use the bot, and how often."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Collection

from aiolimiter import AsyncLimiter

# Enough for every active user of a large bot; the oldest idle limiters are dropped first.
MAX_TRACKED_USERS = 10_000


class AccessPolicy:
    """Allow-lists (empty means everyone) and a per-user message rate limit."""

    def __init__(
        self,
        *,
        allowed_users: Collection[int] = (),
        allowed_chats: Collection[int] = (),
        admins: Collection[int] = (),
        per_minute: int = 0,
    ) -> None:
        self._users = frozenset(allowed_users)
        self._chats = frozenset(allowed_chats)
        self.admins = frozenset(admins)
        self._per_minute = per_minute
        self._limiters: OrderedDict[int, AsyncLimiter] = OrderedDict()

    def is_admin(self, user_id: int | None) -> bool:
        """Whether the user is one of the bot's own admins."""
        return user_id is not None and user_id in self.admins

    def allows(self, user_id: int | None, chat_id: int) -> bool:
        """Whether this user in this chat may talk to the bot (admins always may)."""
        if self.is_admin(user_id):
            return True
        if self._chats and chat_id in self._chats:
            return True
        if self._users and user_id in self._users:
            return True
        return not self._users and not self._chats

    async def try_acquire(self, user_id: int) -> float:
        """Count one message; 0 when allowed, else roughly how many seconds to wait."""
        if self._per_minute <= 0 or self.is_admin(user_id):
            return 0.0
        limiter = self._limiters.pop(user_id, None) or AsyncLimiter(self._per_minute, 60)
        self._limiters[user_id] = limiter
        while len(self._limiters) > MAX_TRACKED_USERS:
            self._limiters.popitem(last=False)
        if limiter.has_capacity():
            await limiter.acquire()  # returns at once: there is capacity
            return 0.0
        return float(math.ceil(60 / self._per_minute))
