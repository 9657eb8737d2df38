"""aiogram's side of the fake: a quick-closing session, a clock-holding middleware, a bot."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from tests.fakes.telegram.clock import FakeClock


class HoldClock(BaseRequestMiddleware):
    """aiogram request middleware: holds a :class:`FakeClock` while a request is in flight.

    ``getUpdates`` is left out: a long poll would otherwise stop time.
    """

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """Run the request with the clock held."""
        if method.__api_method__ == "getUpdates":
            return await make_request(bot, method)
        self._clock.hold()
        try:
            return await make_request(bot, method)
        finally:
            self._clock.release()


class LocalSession(AiohttpSession):
    """aiogram's session without the 250 ms TLS-shutdown pause on close (plain local HTTP)."""

    async def close(self) -> None:
        """Close the HTTP session at once."""
        if self._session is not None and not self._session.closed:
            await self._session.close()


def local_bot(
    base_url: str, token: str, *, clock: FakeClock | None = None, **bot_kwargs: Any
) -> Bot:
    """A real aiogram ``Bot`` talking HTTP to a fake at ``base_url`` (close its ``session``).

    With a ``clock``, the clock is held while each request is in flight.
    """
    session = LocalSession(api=TelegramAPIServer.from_base(base_url))
    if clock is not None:
        session.middleware(HoldClock(clock))
    return Bot(token, session=session, **bot_kwargs)
