"""Everything the fake Bot API knows (chats, users, messages, queues) and its JSON shapes."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import aiohttp

from tests.fakes.telegram.clock import NowClock
from tests.fakes.telegram.errors import RawAnswer, ScriptedFailure
from tests.fakes.telegram.flood import FloodControl, FloodRules
from tests.fakes.telegram.records import Call, FakeMessage, WebhookConfig, WebhookDelivery

_EPOCH = 1_700_000_000  # message dates: this plus clock time


class TelegramState:
    """The fake's state, shared by the parts of :class:`~tests.fakes.telegram.FakeTelegram`."""

    def __init__(self, *, clock: NowClock, bot_user: dict[str, Any], rules: FloodRules) -> None:
        self.clock = clock
        self.bot_user = bot_user
        self.rules = rules
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
        self._failures: list[ScriptedFailure] = []
        self._raw_answers: list[RawAnswer] = []
        self._unknown_methods: set[str] = set()
        self._queries: dict[str, bool] = {}  # callback query id → answered
        self._flood = FloodControl()
        self._updates: list[dict[str, Any]] = []
        self._last_update_id = 0  # ids go up, past any a test chose itself
        self._callback_ids = itertools.count(1)
        self._updated = asyncio.Event()
        self._called = asyncio.Event()
        self._gates: dict[str, asyncio.Event] = {}
        self._closing = False
        # Webhook mode (see ``webhooks``): the settings, every attempt, what is in flight.
        self.webhook: WebhookConfig | None = None
        self.deliveries: list[WebhookDelivery] = []
        self._webhook_error: tuple[float, str] | None = None
        self._due_at: dict[int, float] = {}  # update_id → when its redelivery is due
        self._delivering: dict[int, asyncio.Task[None]] = {}
        self._deliverer: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

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
        }
        if message.media:  # the text is a caption, and may be left out
            data |= message.media
            if message.text:
                data["caption"] = message.text
            if message.entities:
                data["caption_entities"] = message.entities
        else:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        data |= message.context
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.thread_id is not None:
            data["message_thread_id"] = message.thread_id
            data["is_topic_message"] = True
        replied = self._find(message.chat_id, message.reply_to)
        if replied is not None and not nested:
            data["reply_to_message"] = self.message_json(replied, nested=True)
        return data

    # -- messages --------------------------------------------------------------------------

    def message(self, chat_id: int, message_id: int) -> FakeMessage:
        """One message's current state."""
        return self._messages[chat_id][message_id]

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
        media: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
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
            media=media or {},
            context=context or {},
        )
        chat[message.message_id] = message
        return message
