"""/start, /help, /reset, /retry and /stop, and the stop buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message, MessageGenerationStopped

from bot.handlers.addressing import chat_key, language
from bot.handlers.answering import STOP_CALLBACK, run_answer
from bot.handlers.deps import Deps
from bot.services.providers import NoProviderEnabled
from bot.services.turns import ChatKey
from bot.texts import t


async def on_help(message: Message, deps: Deps) -> None:
    """What the bot does, the model in effect, the commands."""
    lang = language(message)
    try:
        choice = str((await deps.chat_settings.view(chat_key(message))).choice)
    except NoProviderEnabled:
        choice = "-"
    await message.reply(t("help", lang, choice=choice))


async def on_reset(message: Message, deps: Deps) -> None:
    """Start a new conversation in this chat or topic."""
    await deps.chat_settings.new_conversation(chat_key(message), chat_type=message.chat.type)
    await message.reply(t("reset_done", language(message)))


async def on_retry(message: Message, deps: Deps) -> None:
    """Answer the last question of this conversation again."""
    question_id = await deps.chat.last_question(chat_key(message))
    if question_id is None:
        await message.reply(t("retry_nothing", language(message)))
        return
    await run_answer(message, deps, question_id)


async def on_stop(message: Message, deps: Deps) -> None:
    """Stop the answer being written here (its partial text stays, marked stopped)."""
    if not deps.queue.stop(chat_key(message)):
        await message.reply(t("stop_nothing", language(message)))


async def on_stop_button(query: CallbackQuery, deps: Deps) -> None:
    """The inline Stop button under a message being written."""
    message = query.message
    stopped = False
    if isinstance(message, Message):
        stopped = deps.queue.stop(chat_key(message))
    lang = language(message) if isinstance(message, Message) else "en"
    await query.answer(None if stopped else t("stop_nothing", lang))


async def on_draft_stopped(event: MessageGenerationStopped, deps: Deps) -> None:
    """The stop button of a native draft."""
    deps.queue.stop(ChatKey(event.chat.id, event.message_thread_id or 0))


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
