"""Running one answer: the queue turn, the writer, the chat service, the failure reply."""

from __future__ import annotations

from aiogram.types import Message

from bot.handlers.addressing import chat_key, language, target_of
from bot.handlers.deps import Deps
from bot.handlers.replies import failure_text, footer_for
from bot.services.providers import NoProviderEnabled
from bot.services.queue import ChatBusy
from bot.streaming.base import StopButton
from bot.texts import t

STOP_CALLBACK = "stop"


async def run_answer(message: Message, deps: Deps, question_id: int) -> None:
    """Answer the stored question ``question_id`` asked by ``message``."""
    lang = language(message)
    key = chat_key(message)
    try:
        async with deps.queue.turn(key) as running:
            stop = StopButton(t("stop_button", lang), STOP_CALLBACK)
            async with deps.streamer.open(target_of(message), stop_button=stop) as writer:
                outcome = await deps.chat.answer(key, question_id, writer, running,
                                                 footer_for(lang))
    except ChatBusy:
        await message.reply(t("busy", lang))
        return
    except NoProviderEnabled:
        await message.reply(t("no_providers", lang))
        return
    if outcome.text or not outcome.delivered:
        return
    if outcome.stop_reason is not None:
        await message.reply(footer_for(lang)(outcome) or "")
    elif outcome.error is not None:
        await message.reply(failure_text(outcome.error, lang))
