"""Telegram clients: where the Bot API lives, and how one-off replies obey the limits."""

from __future__ import annotations

import asyncio
import logging
import math

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import ClientDecodeError, TelegramRetryAfter
from aiogram.methods import EditMessageText, Response, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.coordination.base import CallLimiter, PaceStore
from bot.streaming.config import TELEGRAM_TEXT_LIMIT
from bot.streaming.splitting import shorten, utf16_len

log = logging.getLogger(__name__)

_MESSAGE_METHODS = ("send", "edit", "copy", "forward")  # what counts against chat limits


class ObeyFloodControl(BaseRequestMiddleware):
    """Replies to commands wait out 429 windows (shared with the streamed answers).

    Before a message goes to a chat, a 429 window recorded for that chat (by
    any writer or worker) is waited out, or, when longer than ``longest_wait``,
    the call fails at once instead of hanging a handler; a 429 on the call is
    recorded for everyone and retried a few times. Streamed answers use a
    client without this: their writer never blocks on a 429.
    """

    def __init__(self, paces: PaceStore, limiter: CallLimiter, *, attempts: int = 3,
                 longest_wait: float = 60.0) -> None:
        self._paces = paces
        self._limiter = limiter
        self.attempts = attempts
        self.longest_wait = longest_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if not isinstance(chat_id, int) or not method.__api_method__.startswith(_MESSAGE_METHODS):
            return await make_request(bot, method)
        for attempt in range(1, self.attempts + 1):
            if (wait := await self._paces.blocked_for(chat_id)) > 0:
                if wait > self.longest_wait:
                    raise TelegramRetryAfter(method=method, message="chat in a flood window",
                                             retry_after=math.ceil(wait))
                await asyncio.sleep(wait)
            await self._limiter.acquire()
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                await self._paces.block(chat_id, exc.retry_after)
                if attempt == self.attempts or exc.retry_after > self.longest_wait:
                    raise
                log.info("flood control on %s: waiting %s s", method.__api_method__,
                         exc.retry_after)
        raise AssertionError("unreachable")


class UndecodableAnswers(BaseRequestMiddleware):
    """A body that is not even UTF-8 text (no Bot API server sent it) is a decode error.

    aiohttp's ``text()`` raises ``UnicodeDecodeError`` and aiogram lets it
    through; every caller here handles aiogram's ``ClientDecodeError`` instead.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except UnicodeDecodeError as exc:
            raise ClientDecodeError("Failed to decode object", exc, "(not UTF-8 text)") from exc


class FitText(BaseRequestMiddleware):
    """No message text over Telegram's limit leaves this client: a too long one is shortened.

    Replies are built to fit (lists are shortened or paginated); this is the
    net under them, so a surprise (a huge model list) is a shorter reply, not an error.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, SendMessage | EditMessageText) and not method.entities \
                and isinstance(method.text, str) and utf16_len(method.text) > TELEGRAM_TEXT_LIMIT:
            method.text = shorten(method.text, TELEGRAM_TEXT_LIMIT)
        return await make_request(bot, method)


def create_bot(token: str, api_url: str, *, replies: ObeyFloodControl | None = None) -> Bot:
    """A Bot talking to ``api_url`` (Telegram, a local Bot API server, or a fake).

    With ``replies`` it is the client for command replies (flood-control waits,
    texts that fit, replies that arrive even when their question was deleted).
    """
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    session.middleware(UndecodableAnswers())
    if replies is None:
        return Bot(token, session=session)
    session.middleware(replies)
    session.middleware(FitText())
    return Bot(token, session=session,
               default=DefaultBotProperties(allow_sending_without_reply=True))
