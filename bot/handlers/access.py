"""Allow-lists, applied to every message and button addressed to the bot."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.handlers.addressing import author_id, is_addressed, is_our_command, language
from bot.handlers.deps import Deps
from bot.texts import t


class AllowListMiddleware(BaseMiddleware):
    """Refuses, with a short reply, users and chats outside the allow-lists."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        deps: Deps = data["deps"]
        if isinstance(event, Message):
            if not deps.access.allows(author_id(event), event.chat.id):
                # Refused aloud only when spoken to: never for chatter or other bots' commands.
                if event.chat.type == "private" or is_addressed(event, deps.me) \
                        or is_our_command(event, deps.me):
                    await event.reply(t("not_allowed", language(event)))
                return None
        elif isinstance(event, CallbackQuery):
            chat_id = event.message.chat.id if event.message else event.from_user.id
            if not deps.access.allows(event.from_user.id, chat_id):
                await event.answer(t("not_allowed", language(event)), show_alert=True)
                return None
        return await handler(event, data)


async def over_rate_limit(message: Message, deps: Deps) -> bool:
    """Count a question (or /retry) against its author's rate; reply and True when over it."""
    wait = await deps.access.try_acquire(author_id(message))
    if wait:
        await message.reply(t("user_rate_limited", language(message), seconds=round(wait)))
    return bool(wait)
