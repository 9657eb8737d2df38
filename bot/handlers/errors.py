"""The last line of defence: every handler failure is logged once and answered politely."""

from __future__ import annotations

import contextlib
import logging

from aiogram import Router
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
)
from aiogram.types import CallbackQuery, ErrorEvent, Message

from bot.handlers.addressing import is_addressed, is_our_command, language
from bot.handlers.deps import Deps
from bot.texts import t

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, deps: Deps) -> bool:
    """Handle the exception so that updates keep flowing; the user gets a reason, not silence.

    Every callback query is answered (the client shows a spinner until then);
    a button tapped twice (``message is not modified``) needs no apology, and
    an expired query cannot be answered at all.
    """
    error, update = event.exception, event.update
    query = update.callback_query
    message = update.message or (query.message if query else None)
    failed = False
    if isinstance(error, TelegramForbiddenError):
        log.info("update %s: chat is gone (%s)", update.update_id, error.message)
    elif isinstance(error, TelegramBadRequest) and "not modified" in error.message.lower():
        log.debug("update %s: nothing to change", update.update_id)
    elif isinstance(error, TelegramBadRequest) and "query is too old" in error.message.lower():
        log.info("update %s: the button's query expired", update.update_id)
        query = None
    elif isinstance(error, TelegramBadRequest) and _message_gone(error):
        log.info("update %s: the message is gone (%s)", update.update_id, error.message)
    elif isinstance(error, TelegramRetryAfter):  # an apology would lengthen the window
        log.warning("update %s: flood control held the reply back; dropped (%s)",
                    update.update_id, error.message)
    elif isinstance(error, TelegramMigrateToChat) and isinstance(message, Message):
        moved = await deps.chat_settings.migrate(message.chat.id, error.migrate_to_chat_id)
        deps.streamer.moved(message.chat.id, error.migrate_to_chat_id)
        log.info("update %s: chat %s moved to %s (%s rows)", update.update_id,
                 message.chat.id, error.migrate_to_chat_id, moved)
    else:
        log.error("update %s failed", update.update_id, exc_info=error)
        failed = True
        # Only to someone who spoke to the bot: never to group chatter or a service message.
        if query is None and isinstance(message, Message) and _spoken_to(message, deps):
            await _apologise(message)
    if query is not None:
        await _answer(query, apologise=failed)
    return True


def _spoken_to(message: Message, deps: Deps) -> bool:
    return is_addressed(message, deps.me) or is_our_command(message, deps.me)


def _message_gone(error: TelegramBadRequest) -> bool:
    """A button under a message deleted meanwhile: its edit finds nothing to edit."""
    lowered = error.message.lower()
    return "message to edit not found" in lowered or "message can't be edited" in lowered


async def _apologise(message: Message) -> None:
    try:
        await message.answer(t("apology", language(message)))
    except (TelegramAPIError, ClientDecodeError) as reply_error:
        log.warning("could not apologise in chat %s: %s", message.chat.id, reply_error)


async def _answer(query: CallbackQuery, *, apologise: bool) -> None:
    text = t("apology", language(query)) if apologise else None
    # Answered already by the handler, or too old: then there is nothing left to do.
    with contextlib.suppress(TelegramAPIError, ClientDecodeError):
        await query.answer(text)


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
