"""Who may change a chat's settings: its admins (cached briefly) and the bot's admins."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import ClientDecodeError, TelegramAPIError
from aiogram.types import Chat, User
from pydantic import ValidationError

from bot.clock import Clock, LoopClock
from bot.services.access import AccessPolicy

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({"creator", "administrator"})


class AdminChecker:
    """Answers "may this user change settings here?" with a short-lived cache."""

    def __init__(self, access: AccessPolicy, *, ttl: float = 60.0,
                 clock: Clock | None = None) -> None:
        self._access = access
        self._ttl = ttl
        self._clock = clock or LoopClock()
        self._cache: dict[tuple[int, int], tuple[float, bool]] = {}

    async def may_configure(self, bot: Bot, chat: Chat, user: User | None,
                            sender_chat: Chat | None = None) -> bool:
        """Private chats: their user. Groups: chat admins, anonymous admins, bot admins."""
        if user is not None and self._access.is_admin(user.id):
            return True
        if chat.type == "private":
            return True
        if sender_chat is not None and sender_chat.id == chat.id:
            return True  # an anonymous admin posts as the group itself
        if user is None:
            return False
        return await self._is_chat_admin(bot, chat.id, user.id)

    async def _is_chat_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        now = self._clock.now()
        cached = self._cache.get((chat_id, user_id))
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except (TelegramAPIError, ClientDecodeError, ValidationError) as exc:
            # Unknown means no (the safe side), and is not remembered: the next try may work.
            log.warning("could not check admin rights in chat %s: %s", chat_id, exc)
            return False
        allowed = member.status in ADMIN_STATUSES
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[(chat_id, user_id)] = (now, allowed)
        return allowed
