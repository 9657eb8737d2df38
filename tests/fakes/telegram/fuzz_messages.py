"""Random messages for fuzzing: text, mentions, commands, every content type, odd extras.

A message is an envelope (id, date, chat, sender, forum topic), one content
(text with entities, a command, or any content type aiogram models — media and
service messages alike), and now and then extras: a reply to the bot or to
someone else, and random optional fields of ``Message`` (quotes, forward
origins, keyboards, link previews…) filled from aiogram's own schema.
"""

from __future__ import annotations

import random
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import Message

from tests.fakes.telegram.fuzz_commands import CommandFuzzer
from tests.fakes.telegram.fuzz_people import FuzzChat, People
from tests.fakes.telegram.fuzz_schema import SchemaFiller
from tests.fakes.telegram.fuzz_text import TextFuzzer
from tests.fakes.telegram.validation import utf16_units

NOT_CONTENT = frozenset({ContentType.UNKNOWN, ContentType.ANY})
CONTENT_TYPES = tuple(c.value for c in ContentType if c not in NOT_CONTENT)
MEDIA = ("photo", "video", "animation", "audio", "voice", "video_note", "document", "sticker",
         "location", "venue", "contact", "dice", "game", "poll", "story", "invoice",
         "paid_media", "live_photo", "checklist")
SERVICE = tuple(c for c in CONTENT_TYPES if c not in MEDIA and c != "text")
CAPTIONED = ("photo", "video", "animation", "audio", "voice", "document", "paid_media",
             "live_photo")
_ENVELOPE = frozenset({"message_id", "date", "chat", "from_user", "sender_chat",
                       "message_thread_id", "is_topic_message", "caption", "caption_entities",
                       "entities", "reply_to_message", "edit_date", "business_connection_id",
                       "guest_query_id"})
EXTRA_FIELDS = tuple(name for name in Message.model_fields
                     if name not in _ENVELOPE and name not in CONTENT_TYPES)
_DATE = 1_750_000_000
MAX_TEXT, MAX_CAPTION = 4096, 1024  # UTF-16 units Telegram allows in a text, a caption


class MessageFuzzer:
    """Seeded builder of ``Message`` dicts (see the module docstring)."""

    def __init__(self, rng: random.Random, text: TextFuzzer, commands: CommandFuzzer,
                 people: People, filler: SchemaFiller) -> None:
        self.rng = rng
        self.text = text
        self.commands = commands
        self.people = people
        self.filler = filler

    def message(self, chat: FuzzChat, *, kind: str | None = None) -> dict[str, Any]:
        """A message in ``chat``: envelope, one content of ``kind`` (None: random), extras."""
        kind = kind or self.kind()
        message = self.envelope(chat) | self.content(chat, kind)
        if kind == "command" and chat.type != "private" and self.people.admin_ids \
                and self.rng.random() < 0.2:  # the commands only admins may give
            message["from"] = self.people.admin()
            message.pop("sender_chat", None)
        if self.rng.random() < 0.25:
            message["reply_to_message"] = self.replied(chat, message.get("message_thread_id"))
        for name in self.rng.sample(EXTRA_FIELDS, self.rng.choice((0, 0, 0, 1, 2, 4))):
            field = Message.model_fields[name]
            message[field.alias or name] = self.filler.value(field.annotation, 2)
        return message

    def kind(self) -> str:
        """What a message carries: text, a mention of the bot, a command, or another content."""
        roll = self.rng.random()
        if roll < 0.3:
            return "text"
        if roll < 0.45:
            return "mention"
        if roll < 0.6:
            return "command"
        return self.rng.choice(MEDIA if roll < 0.8 else SERVICE)

    def envelope(self, chat: FuzzChat) -> dict[str, Any]:
        """Id, date, chat, sender and topic."""
        message: dict[str, Any] = {
            "message_id": self.rng.randint(1, 10**6),
            "date": _DATE + self.rng.randint(0, 10**7),
            "chat": chat.json(),
            **self.people.senders(chat),
        }
        if chat.forum and self.rng.random() < 0.7:
            message["message_thread_id"] = self.rng.randint(1, 60)
            message["is_topic_message"] = True
        elif chat.type == "supergroup" and self.rng.random() < 0.05:
            message["message_thread_id"] = self.rng.randint(1, 10**6)  # a reply thread
        return message

    def content(self, chat: FuzzChat, kind: str) -> dict[str, Any]:
        """The content fields of one kind of message."""
        if kind == "text":
            body = self.text.text()
            return {"text": body, **_entities("entities", self.text.entities(body))}
        if kind == "mention":
            body, entities = self.mention()
            return {"text": body, "entities": entities}
        if kind == "command":
            body, entities = self.commands.command()
            return {"text": body, **_entities("entities", entities)}
        content = {kind: self._content_value(kind)}
        if kind in CAPTIONED and self.rng.random() < 0.6:
            content |= self.caption()
        return content

    def caption(self) -> dict[str, Any]:
        """A caption and its entities; it mentions the bot now and then."""
        caption, entities = self.mention(MAX_CAPTION) if self.rng.random() < 0.4 \
            else (self.text.text(self.rng.randint(1, MAX_CAPTION)), [])
        return {"caption": caption, **_entities("caption_entities", entities)}

    def mention(self, units: int = MAX_TEXT) -> tuple[str, list[dict[str, Any]]]:
        """A text of at most ``units`` that mentions the bot (@username, any case, or a
        text mention)."""
        username = str(self.people.bot_user["username"])
        handle = "@" + (username.upper() if self.rng.random() < 0.1 else username)
        before = self.text.text(self.rng.randint(1, 40)) + " " if self.rng.random() < 0.3 else ""
        room = units - utf16_units(before + handle + " ")
        after = self.text.text(self.rng.randint(1, room)) if self.rng.random() < 0.9 else ""
        offset = utf16_units(before)
        if self.rng.random() < 0.15:
            entity = self.text.entity("text_mention", offset, utf16_units(handle))
            entity["user"] = self.people.bot_user
        else:
            entity = self.text.entity("mention", offset, utf16_units(handle))
        body = before + handle + " " + after
        extra = self.text.entities(body, self.rng.choice((0, 0, 1, 3)))
        return body, [entity, *extra]

    def album(self, chat: FuzzChat) -> list[dict[str, Any]]:
        """2-10 messages of one media group: one sender, consecutive ids, a caption maybe."""
        envelope = self.envelope(chat)
        group = str(self.rng.randint(1, 2**62))
        kinds = self.rng.choice((("photo", "video"), ("document",), ("audio",)))
        album = []
        for number in range(self.rng.randint(2, 10)):
            kind = self.rng.choice(kinds)
            message = {**envelope, "message_id": envelope["message_id"] + number,
                       "media_group_id": group, kind: self._content_value(kind)}
            if number == 0 and self.rng.random() < 0.7:
                message |= self.caption()
            album.append(message)
        return album

    def replied(self, chat: FuzzChat, thread_id: int | None) -> dict[str, Any]:
        """The message replied to: the bot's (which addresses it in groups), or anyone's."""
        if self.rng.random() < 0.6:
            replied = self.bot_message(chat)
        else:
            replied = self.envelope(chat) | self.content(chat, self.rng.choice(("text", "photo")))
        if thread_id is not None:
            replied["message_thread_id"] = thread_id
        return replied

    def bot_message(self, chat: FuzzChat) -> dict[str, Any]:
        """A message the bot sent earlier (it may be long gone): small id, a keyboard maybe."""
        message: dict[str, Any] = {
            "message_id": self.rng.randint(1, 40),
            "date": _DATE + self.rng.randint(0, 10**7),
            "chat": chat.json(),
            "from": self.people.bot_user,
            "text": self.text.text(self.rng.randint(1, 200)),
        }
        if self.rng.random() < 0.5:
            button = {"text": "Stop", "callback_data": self.commands.callback_data()}
            message["reply_markup"] = {"inline_keyboard": [[button]]}
        return message

    def nested(self, depth: int) -> dict[str, Any]:
        """A plain message somewhere (the schema filler's hook for ``Message``)."""
        chat = self.people.chat()
        return self.envelope(chat) | self.content(chat, self.rng.choice(("text", "sticker")))

    def _content_value(self, kind: str) -> Any:
        annotation = Message.model_fields[kind].annotation
        if annotation in (bool, bool | None):
            return True  # service flags count only when true
        if kind == "migrate_to_chat_id":
            return self.rng.choice(self.people.supergroups).id
        if kind == "migrate_from_chat_id":
            return self.rng.choice(self.people.groups).id
        if kind in ("new_chat_members", "left_chat_member") and self.rng.random() < 0.3:
            bot = self.people.bot_user
            return [bot] if kind == "new_chat_members" else bot
        return self.filler.value(annotation, 1)


def _entities(key: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    return {key: entities} if entities else {}
