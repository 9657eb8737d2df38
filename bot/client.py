"""Telegram clients: where the Bot API lives, and how one-off replies obey flood control."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)


class WaitOnFloodControl(BaseRequestMiddleware):
    """On 429, wait the ``retry_after`` Telegram asks for and send again (a few times).

    For replies to commands, which have nothing better to do than wait. Streamed
    answers use a client without it: they must never block on a 429 (their
    writer keeps the latest text and sends it when the window opens).
    """

    def __init__(self, *, attempts: int = 3, longest_wait: float = 60.0) -> None:
        self.attempts = attempts
        self.longest_wait = longest_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.attempts or exc.retry_after > self.longest_wait:
                    raise
                log.info("flood control on %s: waiting %s s", type(method).__name__,
                         exc.retry_after)
                await asyncio.sleep(exc.retry_after)
        raise AssertionError("unreachable")


def create_bot(token: str, api_url: str, *, wait_on_flood_control: bool) -> Bot:
    """A Bot talking to ``api_url`` (Telegram, a local Bot API server, or a fake)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    if wait_on_flood_control:
        session.middleware(WaitOnFloodControl())
    return Bot(token, session=session)
