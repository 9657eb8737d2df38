"""Seeded random updates of every kind the Bot API defines, for fuzzing the bot.

::

    updates = FuzzUpdates(seed=7, bot_user=telegram.bot_user, admin_ids=(1000,))
    for update in updates.generate(10_000):   # dicts, as Telegram would send them
        Update.model_validate(update)          # every one validates

Every field of ``aiogram.types.Update`` is produced (messages, edits, channel
posts, business and guest messages, reactions, inline and callback queries,
payments, polls, chat members, join requests, boosts, the draft's stop
button…), and every content type of ``Message`` aiogram models. Messages come
from :class:`~tests.fakes.telegram.fuzz_messages.MessageFuzzer`; the rarer
kinds are filled from aiogram's own schema with realistic users and chats.
The same seed gives the same updates.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

from aiogram.types import Chat, Message, MessageEntity, Update, User

from tests.fakes.telegram.fuzz_commands import CommandFuzzer
from tests.fakes.telegram.fuzz_messages import MessageFuzzer
from tests.fakes.telegram.fuzz_people import FuzzChat, People
from tests.fakes.telegram.fuzz_schema import SchemaFiller
from tests.fakes.telegram.fuzz_text import TextFuzzer

# How often each kind comes (relative weights); a field of Update not named here (one a
# newer aiogram adds) comes with RARE, filled from its schema.
RARE = 0.5
ALBUMS = 0.01  # the share of draws that are an album: 2-10 messages in a row, one media group
WEIGHTS: dict[str, float] = {
    "message": 45, "edited_message": 5, "channel_post": 3, "edited_channel_post": 1,
    "business_connection": 0.5, "business_message": 1.5, "edited_business_message": 0.5,
    "deleted_business_messages": 0.5, "guest_message": 1, "message_reaction": 2,
    "message_reaction_count": 1, "inline_query": 2, "chosen_inline_result": 1,
    "callback_query": 15, "shipping_query": 0.5, "pre_checkout_query": 0.5,
    "purchased_paid_media": 0.5, "poll": 1, "poll_answer": 1, "my_chat_member": 2,
    "chat_member": 2, "chat_join_request": 1, "chat_boost": 0.5, "removed_chat_boost": 0.5,
    "managed_bot": 0.5, "subscription": 0.5, "stopped_message_generation": 4,
}


class FuzzUpdates:
    """The update generator (see the module docstring)."""

    def __init__(self, seed: int, *, bot_user: dict[str, Any],
                 admin_ids: tuple[int, ...] = (), first_update_id: int = 1) -> None:
        self.rng = rng = random.Random(seed)
        self.text = TextFuzzer(rng)
        self.people = People(rng, self.text, bot_user, admin_ids=admin_ids)
        self.commands = CommandFuzzer(rng, self.text, str(bot_user["username"]))
        self.filler = SchemaFiller(rng, self.text)
        self.messages = MessageFuzzer(rng, self.text, self.commands, self.people, self.filler)
        self.filler.hooks.update({
            User: lambda depth: self.people.user(),
            Chat: lambda depth: self.people.chat().json(),
            Message: self.messages.nested,
            MessageEntity: lambda depth: {"type": "bold", "offset": 0, "length": 1},
        })
        self._next_id = first_update_id
        self._kinds = [name for name in Update.model_fields if name != "update_id"]
        self._weights = [WEIGHTS.get(name, RARE) for name in self._kinds]
        self._special: dict[str, Callable[[], Any]] = {
            "message": lambda: self._message(self._talk_chat()),
            "edited_message": lambda: self._edited(self._talk_chat()),
            "channel_post": lambda: self._message(self.people.channel()),
            "edited_channel_post": lambda: self._edited(self.people.channel()),
            "business_message": self._business,
            "edited_business_message": lambda: {**self._business(), "edit_date": _now(rng)},
            "guest_message": lambda: {**self._message(self.people.chat()),
                                      "guest_query_id": str(rng.randint(1, 2**63))},
            "callback_query": self._callback_query,
            "stopped_message_generation": self._stopped,
            "my_chat_member": lambda: self._member_update(bot_user),
        }

    def generate(self, count: int) -> Iterator[dict[str, Any]]:
        """``count`` updates, with consecutive ``update_id``s (an album's messages in a row)."""
        produced = 0
        while produced < count:
            if self.rng.random() < ALBUMS:
                batch = [self._wrap("message", m) for m in self.messages.album(self._talk_chat())]
            else:
                batch = [self.update()]
            yield from batch[:count - produced]
            produced += len(batch)

    def update(self, kind: str | None = None) -> dict[str, Any]:
        """One update of ``kind`` (an ``Update`` field name; random by weight when None)."""
        kind = kind or self.rng.choices(self._kinds, self._weights)[0]
        special = self._special.get(kind)
        if special is not None:
            payload = special()
        else:
            field = Update.model_fields[kind]
            payload = self.filler.value(field.annotation, 0)
        return self._wrap(kind, payload)

    def _wrap(self, kind: str, payload: Any) -> dict[str, Any]:
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        return update

    # -- the kinds that must look real ------------------------------------------------------

    def _talk_chat(self) -> FuzzChat:
        return self.people.private() if self.rng.random() < 0.45 else self.people.group()

    def _message(self, chat: FuzzChat) -> dict[str, Any]:
        return self.messages.message(chat)

    def _edited(self, chat: FuzzChat) -> dict[str, Any]:
        message = self.messages.message(chat)
        message["edit_date"] = message["date"] + self.rng.randint(0, 10**5)
        return message

    def _business(self) -> dict[str, Any]:
        message = self.messages.message(self.people.private())
        message["business_connection_id"] = f"bc-{self.rng.randint(1, 50)}"
        if self.rng.random() < 0.3:
            message["from"] = self.people.user()  # the business account's owner answering
        return message

    def _callback_query(self) -> dict[str, Any]:
        chat = self._talk_chat()
        user = self.people.senders(chat).get("from") if chat.type == "private" \
            else self.people.user()
        query: dict[str, Any] = {"id": str(self.rng.randint(1, 2**63)), "from": user,
                                 "chat_instance": str(self.rng.randint(-(2**63), 2**63))}
        roll = self.rng.random()
        if roll < 0.75:
            query["message"] = self.messages.bot_message(chat)
        elif roll < 0.9:
            query["message"] = {"chat": chat.json(), "message_id": self.rng.randint(1, 40),
                                "date": 0}  # too old to show: an InaccessibleMessage
        else:
            query["inline_message_id"] = self.text.short(12)
        if self.rng.random() < 0.95:
            query["data"] = self.commands.callback_data()
        else:
            query["game_short_name"] = self.text.short(12)
        return query

    def _stopped(self) -> dict[str, Any]:
        chat = self.people.private() if self.rng.random() < 0.8 else self.people.group()
        stopped: dict[str, Any] = {
            "chat": chat.json(),
            "draft_id": self.rng.choice((0, 1, -1, 2**31, 2**53, self.rng.randint(1, 10**9))),
        }
        if self.rng.random() < 0.2:
            stopped["message_thread_id"] = self.rng.randint(0, 100)
        return stopped

    def _member_update(self, bot_user: dict[str, Any]) -> dict[str, Any]:
        """``my_chat_member``: the bot's own membership changed."""
        field = Update.model_fields["my_chat_member"]
        payload: dict[str, Any] = self.filler.value(field.annotation, 0)
        payload["old_chat_member"]["user"] = bot_user
        payload["new_chat_member"]["user"] = bot_user
        return payload


def _now(rng: random.Random) -> int:
    return 1_750_000_000 + rng.randint(0, 10**7)
