"""Remembering the newest update, so that a clean stop confirms it to Telegram."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update


class LastUpdate(BaseMiddleware):
    """Outer middleware noting the highest ``update_id`` received."""

    def __init__(self) -> None:
        self.update_id: int | None = None

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update) and (self.update_id is None
                                          or event.update_id > self.update_id):
            self.update_id = event.update_id
        return await handler(event, data)

    async def confirm(self, bot: Bot) -> None:
        """Tell Telegram every update so far was received.

        Long polling confirms an update only with the *next* getUpdates; after a
        stop there is none, and the last updates would be answered twice after
        a restart. One getUpdates with the next offset confirms them (anything
        it returns stays unconfirmed and comes back after the restart).
        """
        if self.update_id is not None:
            await bot.get_updates(offset=self.update_id + 1, limit=1, timeout=0)
