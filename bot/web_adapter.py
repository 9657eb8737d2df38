"""The bot as the HTTP server needs it: the webhook registered and fed, and readiness."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramRetryAfter
from aiogram.types import Update
from pydantic import ValidationError
from sqlalchemy import text

from bot.app import Application
from bot.config import ConfigError, Settings
from bot.db import Sessions
from bot.oneline import first_line
from bot.web import OnUpdate, ReadinessCheck

log = logging.getLogger(__name__)

# Workers starting together all register the webhook; Telegram may ask some to wait.
SET_WEBHOOK_ATTEMPTS = 5


async def set_webhook(app: Application, settings: Settings) -> None:
    """Ask Telegram to post updates to ``WEBHOOK_URL`` with the secret; ConfigError if refused.

    Whatever goes wrong (Telegram refuses the URL or its certificate, the
    network fails, the answer is no Bot API answer) is one line naming
    ``WEBHOOK_URL``; the entry point redacts the token a quoted URL may hold.
    Every worker registers the same webhook at startup (idempotent), asking
    for the update types the handlers use; updates Telegram already holds are kept.
    """
    url, secret = settings.webhook_url, settings.webhook_secret
    if url is None or secret is None:  # the settings never allow one without the other
        raise ConfigError("WEBHOOK_SECRET: is required with WEBHOOK_URL")
    for attempt in range(1, SET_WEBHOOK_ATTEMPTS + 1):
        try:
            await app.bot.set_webhook(
                url, secret_token=secret.get_secret_value(),
                allowed_updates=app.dispatcher.resolve_used_update_types(),
                drop_pending_updates=False)
        except TelegramRetryAfter as exc:
            if attempt == SET_WEBHOOK_ATTEMPTS:
                raise ConfigError(f"WEBHOOK_URL: Telegram kept asking to wait "
                                  f"({first_line(exc.message)})") from None
            await asyncio.sleep(exc.retry_after)
        except TelegramAPIError as exc:  # a bad URL or certificate; the network (a subclass)
            raise ConfigError(f"WEBHOOK_URL: Telegram refused the webhook "
                              f"({first_line(exc.message)})") from None
        except ClientDecodeError as exc:  # a proxy's page, an emulator without webhooks
            raise ConfigError(f"WEBHOOK_URL: Telegram's answer to setWebhook was not a Bot API "
                              f"answer ({first_line(exc.message)})") from None
        else:
            break
    log.info("webhook set: Telegram posts updates to %s", url)


def update_feeder(app: Application) -> OnUpdate:
    """The webhook's ``on_update``: the JSON as an aiogram update, through the dispatcher.

    Duplicates (Telegram's redeliveries, a load balancer's retries) are dropped
    by the dispatcher's ``UpdateTracker``, on whichever worker they land.
    """

    async def feed(data: dict[str, Any]) -> None:
        try:
            update = Update.model_validate(data, context={"bot": app.bot})
        except ValidationError as exc:  # Telegram never sends one: not worth a redelivery
            log.warning("ignored a webhook body that is not an update: %s", first_line(exc))
            return
        await app.dispatcher.feed_update(app.bot, update)

    return feed


def readiness_check(app: Application) -> ReadinessCheck:
    """``/readyz``'s check: the database answers ``SELECT 1`` and the shared store a ping."""
    sessions = Sessions(app.engine)

    async def check() -> None:
        async with sessions.read() as session:  # a read: SQLite's write lock is not taken
            await session.execute(text("SELECT 1"))
        await app.coordination.ping()

    return check
