"""Who fuzzed updates come from and where: pools of users and chats the bot never saw.

Private chats (the user's id is the chat's), basic groups, supergroups (some
of them forums with topics) and channels; senders are people, anonymous group
admins (``sender_chat`` is the group itself), linked channels, other bots and,
now and then, the bot's own admins. A few chats are busy (a tenth of the
traffic goes to the first five of each pool). Names and titles keep Telegram's
limits (64 and 128 characters) but not its taste.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from tests.fakes.telegram.fuzz_text import TextFuzzer

GROUP_ANONYMOUS_BOT = {"id": 1087968824, "is_bot": True, "first_name": "Group",
                       "username": "GroupAnonymousBot"}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel",
               "username": "Channel_Bot"}
_LANGUAGES = ("en", "ru", "uk", "be-BY", "zh-hans", "pt-br", "xx", "", "RU", "ar")
_BUSY = 5  # chats at the head of each pool that get a tenth of its traffic


@dataclass(frozen=True, slots=True)
class FuzzChat:
    """One chat of the pool, and its JSON shape."""

    id: int
    type: str  # private, group, supergroup, channel
    title: str
    forum: bool = False

    def json(self) -> dict[str, Any]:
        """The ``Chat`` object as updates carry it."""
        if self.type == "private":
            return {"id": self.id, "type": "private", "first_name": self.title}
        chat: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.forum:
            chat["is_forum"] = True
        return chat


class People:
    """Seeded pools of users and chats, and the senders a message in a chat can have."""

    def __init__(self, rng: random.Random, text: TextFuzzer, bot_user: dict[str, Any], *,
                 admin_ids: tuple[int, ...] = (), size: int = 400) -> None:
        self.rng = rng
        self._text = text
        self.bot_user = bot_user
        self.admin_ids = admin_ids
        self.users = [self._new_user(10_000 + n * 7919) for n in range(size)]
        self._by_id = {u["id"]: u for u in self.users}
        self.privates = [FuzzChat(u["id"], "private", u["first_name"]) for u in self.users]
        self.groups = [FuzzChat(-(500 + n), "group", text.short(40)) for n in range(size // 8)]
        self.supergroups = [
            FuzzChat(-1_000_000_000_000 - n, "supergroup", text.short(128), forum=n % 3 == 0)
            for n in range(size // 4)]
        self.channels = [FuzzChat(-1_002_000_000_000 - n, "channel", text.short(128))
                         for n in range(size // 16)]

    def admin(self) -> dict[str, Any]:
        """One of the bot's admins (``ADMIN_IDS``)."""
        return {"id": self.rng.choice(self.admin_ids), "is_bot": False, "first_name": "Admin"}

    def user(self) -> dict[str, Any]:
        """A user of the pool (an admin now and then, another bot rarely)."""
        roll = self.rng.random()
        if roll < 0.03 and self.admin_ids:
            return self.admin()
        if roll < 0.05:
            return {"id": self.rng.randint(10**9, 2**40), "is_bot": True,
                    "first_name": self._text.short(20), "username": "other_bot"}
        return dict(self.rng.choice(self.users))

    def private(self) -> FuzzChat:
        """A private chat of the pool (now and then a bot admin's)."""
        if self.admin_ids and self.rng.random() < 0.03:
            return FuzzChat(self.rng.choice(self.admin_ids), "private", "Admin")
        return self._pick(self.privates)

    def group(self) -> FuzzChat:
        """A basic group, a supergroup or a forum."""
        return self._pick(self.groups if self.rng.random() < 0.25 else self.supergroups)

    def channel(self) -> FuzzChat:
        """A channel."""
        return self.rng.choice(self.channels)

    def chat(self) -> FuzzChat:
        """Any chat of the pool, private ones most often."""
        roll = self.rng.random()
        return self.private() if roll < 0.5 else self.group() if roll < 0.9 else self.channel()

    def senders(self, chat: FuzzChat) -> dict[str, Any]:
        """``from``/``sender_chat`` fields of a message in ``chat``."""
        if chat.type == "private":
            return {"from": dict(self._by_id.get(chat.id) or
                                 {"id": chat.id, "is_bot": False, "first_name": chat.title})}
        if chat.type == "channel":
            return {"sender_chat": chat.json()}
        roll = self.rng.random()
        if roll < 0.08:
            return {"from": GROUP_ANONYMOUS_BOT, "sender_chat": chat.json()}
        if roll < 0.13:
            return {"from": CHANNEL_BOT, "sender_chat": self.channel().json()}
        return {"from": self.user()}

    def _pick(self, pool: list[FuzzChat]) -> FuzzChat:
        """A chat of ``pool``; the busy ones at its head more often."""
        if self.rng.random() < 0.1:
            return self.rng.choice(pool[:_BUSY])
        return self.rng.choice(pool)

    def _new_user(self, user_id: int) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False,
                                "first_name": self._text.short(64)}
        if self.rng.random() < 0.5:
            user["last_name"] = self._text.short(64)
        if self.rng.random() < 0.6:
            user["username"] = f"user{user_id}"
        if self.rng.random() < 0.8:
            user["language_code"] = self.rng.choice(_LANGUAGES)
        if self.rng.random() < 0.1:
            user["is_premium"] = True
        return user
