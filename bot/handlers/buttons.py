"""Buttons no handler takes (an old keyboard, odd callback data): answered all the same.

The client shows a spinner on a button until its query is answered; this
router comes last, so only queries nobody else handled reach it.
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.handlers.addressing import language
from bot.texts import t

log = logging.getLogger(__name__)


async def on_unknown_button(query: CallbackQuery) -> None:
    """Say that the button no longer works (its keyboard is from an older version or gone)."""
    log.info("callback query with unknown data %r", (query.data or "")[:64])
    await query.answer(t("stale_button", language(query)))


def create_router() -> Router:
    """A fresh router with this module's handler."""
    router = Router(name="buttons")
    router.callback_query.register(on_unknown_button)
    return router
