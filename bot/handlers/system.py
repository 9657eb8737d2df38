"""/system: show, set or remove the conversation's system prompt."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.handlers.addressing import chat_key, language
from bot.handlers.deps import Deps
from bot.handlers.listing import room_for
from bot.services.chat_settings import PromptTooLong
from bot.streaming.config import TELEGRAM_TEXT_LIMIT
from bot.streaming.splitting import shorten, utf16_len
from bot.texts import t


async def on_system(message: Message, command: CommandObject, deps: Deps, bot: Bot) -> None:
    """Without text: show it. With text: set it. ``reset``: remove it. Admins only in groups."""
    lang = language(message)
    key = chat_key(message)
    argument = (command.args or "").strip()
    if not argument:
        prompt = (await deps.chat_settings.view(key)).system_prompt
        await message.reply(shown_prompt(prompt, lang) if prompt else t("system_none", lang))
        return
    if not await deps.admins.may_configure(bot, message.chat, message.from_user,
                                           message.sender_chat):
        await message.reply(t("not_admin", lang))
        return
    if argument.lower() in ("reset", "clear", "off", "none"):
        await deps.chat_settings.set_system_prompt(key, None, chat_type=message.chat.type)
        await message.reply(t("system_cleared", lang))
        return
    try:
        await deps.chat_settings.set_system_prompt(key, argument, chat_type=message.chat.type)
    except PromptTooLong as exc:
        await message.reply(t("system_too_long", lang, length=exc.length, limit=exc.limit))
        return
    await message.reply(t("system_set", lang, length=len(argument)))


def shown_prompt(prompt: str, lang: str) -> str:
    """The prompt in one message; a longer one (the limit is the operator's) shows its beginning."""
    whole = t("system_show", lang, prompt=prompt)
    if utf16_len(whole) <= TELEGRAM_TEXT_LIMIT:
        return whole
    room = room_for(t("system_show_part", lang, length=len(prompt), prompt=""))
    return t("system_show_part", lang, length=len(prompt), prompt=shorten(prompt, room))


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="system")
    router.message.register(on_system, Command("system"))
    return router
