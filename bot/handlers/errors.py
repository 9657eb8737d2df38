"""The last line of defence: every handler failure is logged once and answered politely."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError, TelegramMigrateToChat
from aiogram.types import ErrorEvent, Message

from bot.handlers.addressing import language
from bot.handlers.deps import Deps
from bot.texts import t

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, deps: Deps) -> bool:
    """Handle the exception so that polling goes on; the user gets a reason, not silence."""
    error = event.exception
    update = event.update
    message = update.message or (update.callback_query.message
                                 if update.callback_query else None)
    if isinstance(error, TelegramForbiddenError):
        log.info("update %s: chat is gone (%s)", update.update_id, error.message)
        return True
    if isinstance(error, TelegramMigrateToChat) and isinstance(message, Message):
        moved = await deps.chat_settings.migrate(message.chat.id, error.migrate_to_chat_id)
        log.info("update %s: chat %s moved to %s (%s rows)", update.update_id,
                 message.chat.id, error.migrate_to_chat_id, moved)
        return True
    log.error("update %s failed", update.update_id, exc_info=error)
    if isinstance(message, Message):
        try:
            await message.answer(t("apology", language(message)))
        except TelegramAPIError as reply_error:
            log.warning("update %s: could not apologise: %s", update.update_id, reply_error)
    return True


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
