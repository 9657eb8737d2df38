"""A fake Telegram Bot API server that behaves like Telegram, for bot tests and benchmarks.

A real ``aiohttp.web`` server on 127.0.0.1 (random port) answering
``{base}/bot{token}/{method}`` (JSON, form-encoded or multipart bodies, as
aiogram sends them)::

    clock = FakeClock()                           # or None: the loop's clock
    async with FakeTelegram(clock=clock) as tg:
        bot = tg.bot(clock=clock)                 # aiogram Bot over HTTP to the fake
        tg.private_message(user_id=5, text="hi")  # an update for getUpdates
        ...
        tg.visible_texts(5)                       # what the user sees now
        tg.calls("editMessageText"), tg.count_429
        await bot.session.close()

Like Telegram it applies flood control per chat (token buckets: private ≈1/s
with a burst of 3, groups 20/min with a burst of 3, ≈30/s bot-wide), answering
``429 ... retry after N`` and lengthening the window when a chat keeps calling
inside it; refuses identical edits (``message is not modified``, trailing
whitespace trimmed), texts over 4096 UTF-16 units, empty texts, entities
outside the text and drafts outside private chats. Scripted trouble:
:meth:`FakeTelegram.block`, :meth:`~FakeTelegram.delete_message`,
:meth:`~FakeTelegram.fail_next`, :meth:`~FakeTelegram.pause`,
``drafts_enabled``/``entities_enabled``, :meth:`~FakeTelegram.set_member`.

Users act through :meth:`FakeTelegram.private_message`, ``group_message``
(``mention=True`` adds the ``@bot`` mention entity; ``/commands`` get their
``bot_command`` entity), ``callback_query``, ``stopped_generation`` or a raw
``push_update``. Every call is recorded (:class:`Call`: method, decoded
params, time, status) and every message keeps its current state
(:class:`FakeMessage`); texts are stored as Telegram shows them: trailing
whitespace trimmed, ``parse_mode`` markup checked roughly and stripped.

Time comes from an injected clock (``now()``); :class:`FakeClock` with
``autojump`` moves only when every task waits on it and no request made
through a bot from :meth:`FakeTelegram.bot` is in flight, so throttling
tests are deterministic and take no real time.
"""

from __future__ import annotations

import asyncio
import heapq
import html
import itertools
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import web

from bot.streaming.clock import LoopClock

_SETTLE_ROUNDS = 40  # loop iterations without activity before a FakeClock jumps
_EPOCH = 1_700_000_000  # message dates: this plus clock time


class NowClock(Protocol):
    """What the fake server needs of a clock."""

    def now(self) -> float:
        """Current time in seconds."""


# -- a controllable clock ------------------------------------------------------------------


class FakeClock:
    """Virtual time for tests: ``advance`` it by hand, or let ``autojump`` run it.

    With autojump, time jumps to the next sleeper's deadline whenever all tasks
    are waiting (on this clock or on each other) and no HTTP request made with
    :class:`HoldClock` is in flight: deterministic, and as fast as the code runs.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._in_flight = 0
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._new_sleeper = asyncio.Event()
        self._jumper: asyncio.Task[None] | None = None
        self.jumps = 0

    def now(self) -> float:
        """Virtual seconds."""
        return self._now

    async def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of virtual time (zero yields once)."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._order), future))
        self._new_sleeper.set()
        await future

    def advance(self, seconds: float) -> None:
        """Move time forward, waking every sleeper due by then (in deadline order)."""
        target = self._now + seconds
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, deadline)
            if not future.done():
                future.set_result(None)
        self._now = target

    def hold(self) -> None:
        """A request went out: time stands still until it is back."""
        self._in_flight += 1
        self._quiet.clear()

    def release(self) -> None:
        """A request came back."""
        self._in_flight -= 1
        if self._in_flight == 0:
            self._quiet.set()

    def start_autojump(self) -> None:
        """Run time automatically (call inside the test's event loop)."""
        if self._jumper is None:
            self._jumper = asyncio.create_task(self._autojump(), name="fake-clock")

    async def stop(self) -> None:
        """Stop the autojump task."""
        if self._jumper is not None:
            self._jumper.cancel()
            await asyncio.gather(self._jumper, return_exceptions=True)
            self._jumper = None

    async def _settle(self) -> None:
        rounds = 0
        while rounds < _SETTLE_ROUNDS:
            if self._in_flight:
                await self._quiet.wait()
                rounds = 0
                continue
            await asyncio.sleep(0)
            rounds += 1

    async def _autojump(self) -> None:
        while True:
            await self._settle()
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)  # cancelled sleeps
            if not self._sleepers:
                self._new_sleeper.clear()
                await self._new_sleeper.wait()
                continue
            deadline, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, deadline)
            self.jumps += 1
            future.set_result(None)


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


# -- records -------------------------------------------------------------------------------


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    at: float  # on the fake's clock
    status: int = 200
    description: str = ""

    @property
    def chat_id(self) -> Any:
        """The call's ``chat_id`` parameter, if any."""
        return self.params.get("chat_id")


@dataclass
class FakeMessage:
    """The current state of one message in a chat."""

    chat_id: int
    message_id: int
    text: str
    from_bot: bool
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    thread_id: int | None = None
    reply_to: int | None = None
    user_id: int | None = None
    deleted: bool = False
    edits: int = 0


@dataclass(frozen=True)
class FloodRules:
    """Telegram-like limits (set ``enabled=False`` to switch flood control off)."""

    private_rate: float = 1.0  # messages per second in a private chat
    private_burst: float = 3.0
    group_rate: float = 20 / 60  # messages per second in a group
    group_burst: float = 3.0
    global_rate: float = 30.0
    global_burst: float = 30.0
    penalty: float = 2.0  # seconds added for every call made inside a window
    enabled: bool = True


class TelegramError(Exception):
    """An error answer: HTTP status, Telegram's description, optional retry_after."""

    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status, self.description = status, description
        self.retry_after, self.migrate_to_chat_id = retry_after, migrate_to_chat_id


@dataclass
class _Failure:
    method: str
    error: TelegramError
    times: int
    match: Callable[[dict[str, Any]], bool] | None


class _Bucket:
    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst, self.tokens, self.updated = rate, burst, burst, now
        self.window_until = -math.inf

    def take(self, now: float, penalty: float) -> int | None:
        """Take a token; else the retry_after to answer (and a longer window if inside one)."""
        if now < self.window_until:
            self.window_until += penalty
            return math.ceil(self.window_until - now)
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1 - 1e-9:
            self.tokens -= 1
            return None
        wait = math.ceil((1 - self.tokens) / self.rate)
        self.window_until = now + wait
        return wait


_FLOOD_METHODS = frozenset(
    {
        "sendmessage",
        "editmessagetext",
        "editmessagereplymarkup",
        "sendmessagedraft",
        "sendphoto",
        "senddocument",
        "copymessage",
        "forwardmessage",
    }
)
_CHAT_METHODS = _FLOOD_METHODS | {"sendchataction", "deletemessage"}
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "reply_parameters",
        "link_preview_options",
        "commands",
        "allowed_updates",
        "scope",
        "caption_entities",
    }
)
_INT_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "message_thread_id",
        "draft_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "reply_to_message_id",
        "from_chat_id",
    }
)
_BOOL_WORDS = {"true": True, "false": False}
_ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


def utf16_units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram measures entities (and we measure limits)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in _JSON_PARAMS:
        return json.loads(value)
    if name in _INT_PARAMS:
        try:
            return int(value)
        except ValueError:
            return value  # "@channelname"
    return _BOOL_WORDS.get(value, value) if name not in ("text", "caption") else value


_HTML_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
_MD_MARKERS = re.compile(r"\\(.)|(\|\||[*_~`])")
_MDV2_RESERVED = ".!-=+#{}"


def _parse_markup(text: str, mode: str) -> str:
    """The visible text of a ``parse_mode`` message (approximate; rejects unbalanced markup)."""
    if mode.lower() == "html":
        stack: list[str] = []
        for match in _HTML_TAG.finditer(text):
            closing, tag = match.group(1), match.group(2).lower()
            if not closing:
                stack.append(tag)
            elif not stack or stack.pop() != tag:
                raise TelegramError(
                    400,
                    "Bad Request: can't parse entities: Can't find end tag "
                    f"corresponding to start tag {tag}",
                )
        if stack:
            raise TelegramError(
                400,
                "Bad Request: can't parse entities: Can't find end tag "
                f"corresponding to start tag {stack[-1]}",
            )
        return html.unescape(_HTML_TAG.sub("", text))
    open_markers: dict[str, int] = {}
    visible: list[str] = []
    position = 0
    for match in _MD_MARKERS.finditer(text):
        visible.append(text[position : match.start()])
        escaped, marker = match.group(1), match.group(2)
        if escaped is not None:
            visible.append(escaped)
        elif marker in open_markers:
            del open_markers[marker]
        else:
            open_markers[marker] = len(text[: match.start()].encode())
        position = match.end()
    visible.append(text[position:])
    if open_markers:
        offset = min(open_markers.values())
        raise TelegramError(
            400,
            "Bad Request: can't parse entities: Can't find end of the "
            f"entity starting at byte offset {offset}",
        )
    if mode.lower() == "markdownv2":
        bare = re.sub(r"\\.", "", text)
        for char in _MDV2_RESERVED:
            if char in bare:
                raise TelegramError(
                    400,
                    f"Bad Request: can't parse entities: Character '{char}' "
                    "is reserved and must be escaped with the preceding '\\'",
                )
    return "".join(visible)


def _check_entities(text: str, entities: Any) -> list[dict[str, Any]]:
    if entities in (None, ""):
        return []
    if not isinstance(entities, list):
        raise TelegramError(400, "Bad Request: can't parse entities: entities must be an array")
    size = utf16_units(text)
    for entity in entities:
        kind, offset, length = entity.get("type"), entity.get("offset"), entity.get("length")
        if kind not in _ENTITY_TYPES or not isinstance(offset, int) or not isinstance(length, int):
            raise TelegramError(400, f"Bad Request: can't parse entities: bad entity {entity}")
        if offset < 0 or length <= 0 or offset + length > size:
            raise TelegramError(
                400,
                f"Bad Request: can't parse entities: entity beyond the end of the text: {entity}",
            )
    return list(entities)


def _clip(entities: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    clipped = []
    for entity in entities:
        length = min(entity["offset"] + entity["length"], size) - entity["offset"]
        if length > 0:
            clipped.append({**entity, "length": length})
    return clipped


# -- the server ----------------------------------------------------------------------------


class FakeTelegram:
    """The fake Bot API server (see the module docstring)."""

    def __init__(
        self,
        *,
        clock: NowClock | None = None,
        token: str = "123456:TEST-TOKEN",
        bot_id: int = 123456,
        bot_username: str = "test_llm_bot",
        rules: FloodRules | None = None,
    ) -> None:
        self.clock: NowClock = clock or LoopClock()
        self.token = token
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Test LLM Bot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.rules = rules or FloodRules()
        self.drafts_enabled = True  # False: every sendMessageDraft answers 400
        self.entities_enabled = True  # False: every text with entities answers 400
        self.poll_cap = 10.0  # longest real wait of one getUpdates
        self.log: list[Call] = []
        self._messages: dict[int, dict[int, FakeMessage]] = {}
        self._drafts: dict[int, tuple[int, str]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._blocked: dict[int, str] = {}
        self._failures: list[_Failure] = []
        self._buckets: dict[int, _Bucket] = {}
        self._global: _Bucket | None = None
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._updated = asyncio.Event()
        self._called = asyncio.Event()
        self._gates: dict[str, asyncio.Event] = {}
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def __aenter__(self) -> FakeTelegram:
        """Start serving on 127.0.0.1 (random port)."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop serving (pending long polls return at once)."""
        self._closing = True
        self._updated.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_server(self) -> TelegramAPIServer:
        """What aiogram needs to talk to this server (``TELEGRAM_API_URL`` = ``base_url``)."""
        return TelegramAPIServer.from_base(self.base_url)

    def bot(self, *, clock: FakeClock | None = None, **bot_kwargs: Any) -> Bot:
        """A real aiogram ``Bot`` talking HTTP to this server (close its ``session``)."""
        session = LocalSession(api=self.api_server)
        if clock is not None:
            session.middleware(HoldClock(clock))
        return Bot(self.token, session=session, **bot_kwargs)

    # -- what tests look at ----------------------------------------------------------------

    def calls(self, method: str | None = None, *, chat_id: int | None = None) -> list[Call]:
        """Recorded calls, optionally of one method (any case) and/or one chat."""
        return [
            c
            for c in self.log
            if (method is None or c.method.lower() == method.lower())
            and (chat_id is None or c.chat_id == chat_id)
        ]

    @property
    def count_429(self) -> int:
        """How many calls were answered with 429."""
        return sum(1 for c in self.log if c.status == 429)

    def errors(self) -> list[Call]:
        """Every call that was not answered with success."""
        return [c for c in self.log if c.status != 200]

    def messages(
        self, chat_id: int, *, from_bot: bool | None = True, include_deleted: bool = False
    ) -> list[FakeMessage]:
        """Messages of a chat in order (the bot's by default)."""
        return [
            m
            for m in self._messages.get(chat_id, {}).values()
            if (from_bot is None or m.from_bot == from_bot) and (include_deleted or not m.deleted)
        ]

    def visible_texts(self, chat_id: int) -> list[str]:
        """The texts of the bot's messages a user of this chat sees now, in order."""
        return [m.text for m in self.messages(chat_id)]

    def message(self, chat_id: int, message_id: int) -> FakeMessage:
        """One message's current state."""
        return self._messages[chat_id][message_id]

    def draft(self, chat_id: int) -> str | None:
        """The draft text shown in a private chat (None once the bot sent a message)."""
        entry = self._drafts.get(chat_id)
        return None if entry is None else entry[1]

    async def wait_calls(
        self, method: str, count: int = 1, *, chat_id: int | None = None, timeout: float = 10.0
    ) -> list[Call]:
        """Wait (real time, event-driven) until ``count`` calls of ``method`` arrived."""
        async with asyncio.timeout(timeout):
            while len(found := self.calls(method, chat_id=chat_id)) < count:
                self._called.clear()
                await self._called.wait()
        return found

    # -- scripted behaviour ----------------------------------------------------------------

    def block(
        self, chat_id: int, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        """Every call to this chat answers 403 from now on."""
        self._blocked[chat_id] = description

    def delete_message(self, chat_id: int, message_id: int) -> None:
        """The user deletes a message."""
        self._messages[chat_id][message_id].deleted = True

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        description: str = "Internal Server Error",
        times: int = 1,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        match: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (matching ``match``) with an error.

        ``retry_after``/``migrate_to_chat_id`` go into the answer's ``parameters``.
        """
        error = TelegramError(status, description, retry_after, migrate_to_chat_id)
        self._failures.append(_Failure(method.lower(), error, times, match))

    def pause(self, method: str) -> asyncio.Event:
        """Hold every answer to ``method`` until the returned event is set (a slow Telegram).

        With a :class:`FakeClock` on autojump, virtual time stands still meanwhile.
        """
        gate = self._gates[method.lower()] = asyncio.Event()
        return gate

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """getChatMember status: creator, administrator, member (default), left or kicked."""
        self._members[(chat_id, user_id)] = status

    def set_chat(self, chat_id: int, **fields: Any) -> None:
        """Override chat fields (``type``, ``title``, ``is_forum``…)."""
        self._chats[chat_id] = {**self.chat(chat_id), **fields}

    def set_user(self, user_id: int, **fields: Any) -> None:
        """Override user fields (``first_name``, ``username``, ``language_code``…)."""
        self._users[user_id] = {**self.user(user_id), **fields}

    # -- updates (what users do) -----------------------------------------------------------

    def push_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue a raw update for getUpdates (``update_id`` added when missing)."""
        queued = dict(update)
        queued.setdefault("update_id", next(self._update_ids))
        self._updates.append(queued)
        self._updated.set()
        return queued

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    def private_message(
        self,
        user_id: int,
        text: str,
        *,
        reply_to_message_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A user writes to the bot in a private chat (commands get their entity)."""
        message = self._store(
            user_id, text, entities, from_bot=False, user_id=user_id, reply_to=reply_to_message_id
        )
        return self.push_update({"message": self.message_json(message)})

    def group_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        mention: bool = False,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A user writes in a group; ``mention`` prefixes ``@botname`` with a mention entity."""
        entities = list(entities or [])
        if mention:
            handle = f"@{self.bot_user['username']}"
            shift = utf16_units(handle) + 1
            entities = [
                {"type": "mention", "offset": 0, "length": shift - 1},
                *({**e, "offset": e["offset"] + shift} for e in entities),
            ]
            text = f"{handle} {text}"
        message = self._store(
            chat_id,
            text,
            entities,
            from_bot=False,
            user_id=user_id,
            thread_id=thread_id,
            reply_to=reply_to_message_id,
        )
        return self.push_update({"message": self.message_json(message)})

    def callback_query(
        self, chat_id: int, user_id: int, message_id: int, data: str
    ) -> dict[str, Any]:
        """A user presses an inline button under one of the bot's messages."""
        query = {
            "id": str(next(self._callback_ids)),
            "from": self.user(user_id),
            "chat_instance": str(chat_id),
            "data": data,
            "message": self.message_json(self.message(chat_id, message_id)),
        }
        return self.push_update({"callback_query": query})

    def stopped_generation(
        self, chat_id: int, draft_id: int, thread_id: int | None = None
    ) -> dict[str, Any]:
        """A user presses the stop button of a draft."""
        stopped: dict[str, Any] = {"chat": self.chat(chat_id), "draft_id": draft_id}
        if thread_id is not None:
            stopped["message_thread_id"] = thread_id
        return self.push_update({"stopped_message_generation": stopped})

    # -- JSON shapes -----------------------------------------------------------------------

    def chat(self, chat_id: int) -> dict[str, Any]:
        """A chat object: positive ids are private chats, negative ones supergroups."""
        if chat_id in self._chats:
            return dict(self._chats[chat_id])
        if chat_id > 0:
            return {"id": chat_id, "type": "private", **self._names(chat_id)}
        return {"id": chat_id, "type": "supergroup", "title": f"Group {-chat_id}"}

    def user(self, user_id: int) -> dict[str, Any]:
        """A user object."""
        return dict(
            self._users.get(user_id) or {"id": user_id, "is_bot": False, **self._names(user_id)}
        )

    def _names(self, user_id: int) -> dict[str, Any]:
        known = self._users.get(user_id, {})
        return {
            "first_name": known.get("first_name", f"User{user_id}"),
            "username": known.get("username", f"user{user_id}"),
        }

    def message_json(self, message: FakeMessage, *, nested: bool = False) -> dict[str, Any]:
        """A message object as the Bot API returns it."""
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": _EPOCH + int(self.clock.now()),
            "chat": self.chat(message.chat_id),
            "from": self.bot_user if message.from_bot else self.user(message.user_id or 0),
            "text": message.text,
        }
        if message.entities:
            data["entities"] = message.entities
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.thread_id is not None:
            data["message_thread_id"] = message.thread_id
            data["is_topic_message"] = True
        replied = self._find(message.chat_id, message.reply_to)
        if replied is not None and not nested:
            data["reply_to_message"] = self.message_json(replied, nested=True)
        return data

    # -- request handling ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params, self.clock.now())
        self.log.append(call)
        self._called.set()
        gate = self._gates.get(method.lower())
        if gate is not None:
            await gate.wait()
        try:
            if request.match_info["token"] != self.token:
                raise TelegramError(401, "Unauthorized")
            result = await self._dispatch(method.lower(), params)
        except TelegramError as error:
            call.status, call.description = error.status, error.description
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.status,
                "description": error.description,
            }
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            if error.migrate_to_chat_id is not None:
                body["parameters"] = {"migrate_to_chat_id": error.migrate_to_chat_id}
            return web.json_response(body, status=error.status)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw.update(await request.json())
        elif request.can_read_body:
            raw.update((await request.post()).items())
        return {name: _decode(name, value) for name, value in raw.items()}

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        for failure in self._failures:
            if (
                failure.method == method
                and failure.times > 0
                and (failure.match is None or failure.match(params))
            ):
                failure.times -= 1
                raise failure.error
        chat_id = params.get("chat_id")
        if method in _CHAT_METHODS and isinstance(chat_id, int):
            if chat_id in self._blocked:
                raise TelegramError(403, self._blocked[chat_id])
            self._flood(method, chat_id)
        if method == "getupdates":
            return await self._get_updates(params)
        handler: Callable[[dict[str, Any]], Any] | None = getattr(self, f"_m_{method}", None)
        return True if handler is None else handler(params)

    def _flood(self, method: str, chat_id: int) -> None:
        rules, now = self.rules, self.clock.now()
        if not rules.enabled:
            return
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            rate, burst = (
                (rules.private_rate, rules.private_burst)
                if chat_id > 0
                else (rules.group_rate, rules.group_burst)
            )
            bucket = self._buckets[chat_id] = _Bucket(rate, burst, now)
        if method not in _FLOOD_METHODS:  # chat actions: refused only inside a window
            retry = bucket.take(now, rules.penalty) if now < bucket.window_until else None
        else:
            retry = bucket.take(now, rules.penalty)
            if retry is None:
                if self._global is None:
                    self._global = _Bucket(rules.global_rate, rules.global_burst, now)
                retry = self._global.take(now, 0.0)
                if retry is not None:
                    bucket.tokens += 1  # refused bot-wide: the chat's token is not spent
        if retry is not None:
            raise TelegramError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)

    def _find(self, chat_id: Any, message_id: Any) -> FakeMessage | None:
        message = self._messages.get(chat_id, {}).get(message_id)
        return None if message is None or message.deleted else message

    def _store(
        self,
        chat_id: int,
        text: str,
        entities: list[dict[str, Any]] | None,
        *,
        from_bot: bool,
        user_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        markup: dict[str, Any] | None = None,
    ) -> FakeMessage:
        chat = self._messages.setdefault(chat_id, {})
        if entities is None and not from_bot and text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        message = FakeMessage(
            chat_id,
            max(chat, default=0) + 1,
            text,
            from_bot,
            entities or [],
            markup,
            thread_id,
            reply_to,
            user_id,
        )
        chat[message.message_id] = message
        return message

    def _visible(
        self,
        params: dict[str, Any],
        *,
        allow_empty: bool = False,
    ) -> tuple[str, list[dict[str, Any]]]:
        """The text and entities Telegram would store, or the error it would answer."""
        text = str(params.get("text", ""))
        mode, entities = params.get("parse_mode"), params.get("entities")
        if mode:
            text, checked = _parse_markup(text, mode), []
        else:
            if entities and not self.entities_enabled:
                raise TelegramError(400, "Bad Request: can't parse entities: unsupported entity")
            checked = _check_entities(text, entities)
        text = text.rstrip()  # Telegram trims the end of a message
        if not text.strip() and not allow_empty:
            raise TelegramError(400, "Bad Request: message text is empty")
        if utf16_units(text) > 4096:
            raise TelegramError(400, "Bad Request: message is too long")
        return text, _clip(checked, utf16_units(text))

    def _editable(self, params: dict[str, Any]) -> FakeMessage:
        message = self._find(params.get("chat_id"), params.get("message_id"))
        if message is None:
            raise TelegramError(400, "Bad Request: message to edit not found")
        if not message.from_bot:
            raise TelegramError(400, "Bad Request: message can't be edited")
        return message

    # -- methods ---------------------------------------------------------------------------

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0 and not self._closing:
            self._updated.clear()
            try:
                async with asyncio.timeout(min(timeout, self.poll_cap)):
                    await self._updated.wait()
            except TimeoutError:
                pass
        return self._updates[: int(params.get("limit") or 100)]

    def _m_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    def _m_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _m_getmycommands(self, params: dict[str, Any]) -> list[Any]:
        return []

    def _m_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.chat(params["chat_id"]),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
            },
        }

    def _m_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = params["user_id"]
        status = self._members.get((params["chat_id"], user_id), "member")
        member: dict[str, Any] = {"status": status, "user": self.user(user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member |= dict.fromkeys(
                (
                    "can_be_edited",
                    "is_anonymous",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                    "can_send_welcome_messages",
                ),
                False,
            )
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise TelegramError(400, "Bad Request: chat not found")
        text, entities = self._visible(params)
        reply = params.get("reply_parameters") or {}
        reply_to = reply.get("message_id", params.get("reply_to_message_id"))
        if reply_to is not None and self._find(chat_id, reply_to) is None:
            if not reply.get("allow_sending_without_reply"):
                raise TelegramError(400, "Bad Request: message to be replied not found")
            reply_to = None
        message = self._store(
            chat_id,
            text,
            entities,
            from_bot=True,
            thread_id=params.get("message_thread_id"),
            reply_to=reply_to,
            markup=params.get("reply_markup"),
        )
        self._drafts.pop(chat_id, None)  # a sent message replaces the draft
        return self.message_json(message)

    def _m_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        text, entities = self._visible(params)
        markup = params.get("reply_markup")  # left out: the inline keyboard goes away
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise TelegramError(400, NOT_MODIFIED)
        message.text, message.entities, message.reply_markup = text, entities, markup
        message.edits += 1
        return self.message_json(message)

    def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        markup = params.get("reply_markup")
        if markup == message.reply_markup:
            raise TelegramError(400, NOT_MODIFIED)
        message.reply_markup = markup
        return self.message_json(message)

    def _m_deletemessage(self, params: dict[str, Any]) -> bool:
        message = self._find(params.get("chat_id"), params.get("message_id"))
        if message is None:
            raise TelegramError(400, "Bad Request: message to delete not found")
        message.deleted = True
        return True

    def _m_sendmessagedraft(self, params: dict[str, Any]) -> bool:
        chat_id = params.get("chat_id")
        if not self.drafts_enabled:
            raise TelegramError(400, "Bad Request: TEXTDRAFT_PEER_INVALID")
        if not isinstance(chat_id, int) or self.chat(chat_id)["type"] != "private":
            raise TelegramError(400, "Bad Request: drafts can be sent only to private chats")
        if not params.get("draft_id"):
            raise TelegramError(400, "Bad Request: draft_id must be non-zero")
        text, _ = self._visible(params, allow_empty=True)
        self._drafts[chat_id] = (params["draft_id"], text)
        return True

    def _m_sendchataction(self, params: dict[str, Any]) -> bool:
        if params.get("action") not in {
            "typing",
            "upload_photo",
            "record_video",
            "upload_video",
            "record_voice",
            "upload_voice",
            "upload_document",
            "choose_sticker",
            "find_location",
            "record_video_note",
            "upload_video_note",
        }:
            raise TelegramError(400, "Bad Request: wrong parameter action in request")
        return True
