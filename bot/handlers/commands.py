"""/start, /help, /reset, /retry and /stop, and the stop buttons."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Chat, Message, MessageGenerationStopped, User

from bot.coordination.base import ChatKey
from bot.handlers.access import over_rate_limit
from bot.handlers.addressing import author_id, chat_key, language, target_of
from bot.handlers.deps import Deps
from bot.handlers.replies import shown
from bot.services.answer_unit import STOP_CALLBACK
from bot.services.providers import NoProviderEnabled
from bot.texts import t


async def on_help(message: Message, deps: Deps) -> None:
    """What the bot does, the model in effect, the commands."""
    lang = language(message)
    try:
        choice = shown((await deps.chat_settings.view(chat_key(message))).choice)
    except NoProviderEnabled:
        choice = "-"
    await message.reply(t("help", lang, choice=choice))


async def on_reset(message: Message, deps: Deps) -> None:
    """Start a new conversation in this chat or topic."""
    await deps.chat_settings.new_conversation(chat_key(message), chat_type=message.chat.type)
    await message.reply(t("reset_done", language(message)))


async def on_retry(message: Message, deps: Deps) -> None:
    """Answer the last question of this conversation again (counts against the rate limit)."""
    if await over_rate_limit(message, deps):
        return
    if not await deps.answers.retry(chat_key(message), author_id(message), language(message),
                                    target_of(message)):
        await message.reply(t("retry_nothing", language(message)))


async def on_stop(message: Message, deps: Deps, bot: Bot) -> None:
    """Stop the answer being written here (its partial text stays, marked stopped)."""
    reply = await _stop(deps, bot, chat_key(message), message.chat, author_id(message),
                        message.from_user, message.sender_chat)
    if reply:
        await message.reply(t(reply, language(message)))


async def on_stop_button(query: CallbackQuery, deps: Deps, bot: Bot) -> None:
    """The inline Stop button under a message being written (always answered)."""
    message = query.message
    reply: str | None = "stop_nothing"
    if isinstance(message, Message):
        reply = await _stop(deps, bot, chat_key(message), message.chat, query.from_user.id,
                            query.from_user, None)
    await query.answer(t(reply, language(query)) if reply else None)


async def on_draft_stopped(event: MessageGenerationStopped, deps: Deps) -> None:
    """The stop button of a native draft (private chats: the asker pressed it)."""
    await deps.turns.stop(ChatKey(event.chat.id, event.message_thread_id or 0))


async def _stop(deps: Deps, bot: Bot, key: ChatKey, chat: Chat, who: int, user: User | None,
                sender_chat: Chat | None) -> str | None:
    """Stop for the asker (``who`` asked) and admins; the reply's text key, None if stopped."""
    asker = await deps.turns.asker(key)
    if asker is None:
        return "stop_nothing"
    if who != asker and not await deps.admins.may_configure(bot, chat, user, sender_chat):
        return "stop_not_yours"
    return None if await deps.turns.stop(key) else "stop_nothing"


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="commands")
    router.message.register(on_help, CommandStart())
    router.message.register(on_help, Command("help"))
    router.message.register(on_reset, Command("reset", "new"))
    router.message.register(on_retry, Command("retry"))
    router.message.register(on_stop, Command("stop"))
    router.callback_query.register(on_stop_button, F.data == STOP_CALLBACK)
    router.stopped_message_generation.register(on_draft_stopped)
    return router
