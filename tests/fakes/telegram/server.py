"""The fake Bot API server: HTTP in, scripted failures and flood control, a method's answer out.

File downloads (``/file/bot{token}/{file_path}``) are served by
:class:`~tests.fakes.telegram.files.FileStore`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.clock import LoopClock
from tests.fakes.local_server import serve_locally
from tests.fakes.telegram.clock import FakeClock, NowClock
from tests.fakes.telegram.errors import NOT_FOUND, TelegramError
from tests.fakes.telegram.flood import CHAT_METHODS, FloodRules
from tests.fakes.telegram.inspection import Inspection
from tests.fakes.telegram.media import MediaActions
from tests.fakes.telegram.methods import BotMethods
from tests.fakes.telegram.params import read_params
from tests.fakes.telegram.records import Call
from tests.fakes.telegram.scripting import Scripting
from tests.fakes.telegram.session import local_bot
from tests.fakes.telegram.webhooks import Webhooks


class FakeTelegram(Inspection, Scripting, MediaActions, Webhooks, BotMethods):
    """The fake Bot API server (see :mod:`tests.fakes.telegram`); an async context manager."""

    def __init__(
        self,
        *,
        clock: NowClock | None = None,
        token: str = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
        bot_id: int = 123456,
        bot_username: str = "test_llm_bot",
        rules: FloodRules | None = None,
    ) -> None:
        super().__init__(
            clock=clock or LoopClock(),
            bot_user={
                "id": bot_id,
                "is_bot": True,
                "first_name": "Test LLM Bot",
                "username": bot_username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            },
            rules=rules or FloodRules(),
        )
        self.token = token
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def __aenter__(self) -> FakeTelegram:
        """Start serving on 127.0.0.1 (random port)."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._serve_file)
        self._runner, self.base_url = await serve_locally(app)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop serving (pending long polls return at once)."""
        self._closing = True
        self._updated.set()
        await self._close_webhooks()
        if self._runner is not None:
            await self._runner.cleanup()
        self._remove_local_files()

    @property
    def api_server(self) -> TelegramAPIServer:
        """What aiogram needs to talk to this server (``TELEGRAM_API_URL`` = ``base_url``)."""
        return TelegramAPIServer.from_base(self.base_url)

    def bot(self, *, clock: FakeClock | None = None, **bot_kwargs: Any) -> Bot:
        """A real aiogram ``Bot`` talking HTTP to this server (close its ``session``)."""
        return local_bot(self.base_url, self.token, clock=clock, **bot_kwargs)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await read_params(request)
        call = Call(method, params, self.clock.now())
        self.log.append(call)
        self._called.set()  # the call arrived (a test may wait for it to reach a gate)
        try:
            return await self._answer(request, method, params, call)
        finally:
            self._called.set()  # ...and its effect is visible: waiters look again

    async def _answer(self, request: web.Request, method: str, params: dict[str, Any],
                      call: Call) -> web.Response:
        gate = self._gates.get(method.lower())
        if gate is not None:
            await gate.wait()
        raw = next((answer for answer in self._raw_answers if answer.take(method.lower())), None)
        if raw is not None:
            call.status = raw.status
            return raw.response(request)
        if method.lower() in self._unknown_methods:
            call.status, call.description = 404, NOT_FOUND["description"]
            return web.json_response(NOT_FOUND, status=404)
        try:
            if request.match_info["token"] != self.token:
                raise TelegramError(401, "Unauthorized")
            result = await self._dispatch(method.lower(), params)
        except TelegramError as error:
            call.status, call.description = error.status, error.description
            return web.json_response(error.body(), status=error.status)
        return web.json_response({"ok": True, "result": result})

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        for failure in self._failures:
            if failure.take(method, params):
                raise failure.error
        chat_id = params.get("chat_id")
        if method in CHAT_METHODS and isinstance(chat_id, int):
            if chat_id in self._blocked:
                raise TelegramError(403, self._blocked[chat_id])
            self._flood.check(self.rules, method, chat_id, self.clock.now())
        if method == "getupdates":
            self._refuse_polling()
            return await self._get_updates(params)
        handler: Callable[[dict[str, Any]], Any] | None = getattr(self, f"_m_{method}", None)
        return True if handler is None else handler(params)
