"""Who a message is for, and what conversation it belongs to."""

from __future__ import annotations

import re

from aiogram.types import CallbackQuery, Message, User

from bot.coordination.base import ChatKey
from bot.db import AttachmentRecord
from bot.media import forwarded_context, is_reply_to, quoted_block, quoted_context
from bot.media.quotes import sender_name
from bot.services.questions import Question, answer_target
from bot.streaming.base import ChatTarget
from bot.texts import COMMANDS, language_of

_SPACES = re.compile(r"[ \t]{2,}")

# Every command this bot has (the menu's, /start and /new); in groups anything else
# starting with "/" is another bot's business, and is left alone.
OUR_COMMANDS = frozenset({*COMMANDS, "start", "new"})


def chat_key(message: Message) -> ChatKey:
    """The conversation: the chat, and its forum topic when the message is in one."""
    thread = message.message_thread_id if message.is_topic_message else None
    return ChatKey(message.chat.id, thread or 0)


def target_of(message: Message) -> ChatTarget:
    """Where answers to ``message`` go: same chat and topic; a reply in groups."""
    return answer_target(chat_key(message), message.chat.type, message.message_id)


def language(event: Message | CallbackQuery) -> str:
    """Our language for the author of a message, or for whoever pressed a button."""
    return language_of(event.from_user.language_code if event.from_user else None)


def author_id(message: Message) -> int:
    """Who asked: the user, or the chat the message was sent as.

    Anonymous group admins and channels post as a chat (``sender_chat``), with a
    placeholder user that all of them share; without a user at all, the chat.
    """
    if message.sender_chat is not None:
        return message.sender_chat.id
    if message.from_user is not None:
        return message.from_user.id
    return message.chat.id


def is_our_command(message: Message, me: User) -> bool:
    """A command of ours, ``/name`` or ``/name@ourbot`` (never one addressed to another bot)."""
    text = message.text or ""
    if not text.startswith("/"):
        return False
    name, _, mention = text.split(maxsplit=1)[0][1:].partition("@")
    if mention and mention.lower() != (me.username or "").lower():
        return False
    return name in OUR_COMMANDS


def is_addressed(message: Message, me: User) -> bool:
    """In private chats always; in groups a mention of the bot or a reply to it."""
    if message.chat.type == "private":
        return True
    return is_reply_to(message, me.id) or bool(_own_mentions(message, me))


def question_text(message: Message, me: User) -> str:
    """The message's own words (text or caption) without the bot's @mentions."""
    text = message.text or message.caption or ""
    spans = _own_mentions(message, me)
    if not spans:
        return text.strip()
    # Entity offsets count UTF-16 code units; a span may split a surrogate pair (dropped).
    encoded = text.encode("utf-16-le")
    kept = []
    position = 0
    for offset, length in sorted(spans):
        kept.append(encoded[position * 2:offset * 2])
        position = offset + length
    kept.append(encoded[position * 2:])
    return _SPACES.sub(" ", b"".join(kept).decode("utf-16-le", errors="ignore")).strip()


def referred(message: Message, me: User) -> list[str]:
    """What the question refers to, as quoted blocks: a forwarded message, a reply, a quote.

    A plain reply to the bot's own message adds nothing (it is in the history
    already); a quoted part of it does (it says which part the question is about).
    """
    blocks = []
    quoted = quoted_context(message)
    if quoted is not None and (quoted.kind != "reply" or not is_reply_to(message, me.id)):
        blocks.append(quoted_block(quoted))
    if (forwarded := forwarded_context(message)) is not None:
        blocks.append(quoted_block(forwarded))
    return blocks


def compose(*parts: str) -> str:
    """A question's text from its parts (quoted context, documents, the user's words)."""
    return "\n\n".join(part for part in parts if part.strip())


def question_of(message: Message, text: str, *,
                attachments: tuple[AttachmentRecord, ...] = ()) -> Question:
    """The service's view of an addressed message."""
    return Question(
        key=chat_key(message),
        text=text,
        author_id=author_id(message),
        author_name=sender_name(message),
        message_id=message.message_id,
        chat_type=message.chat.type,
        chat_title=message.chat.title,
        language=language(message),
        attachments=attachments,
    )


def _covered(encoded: bytes, offset: int, length: int) -> str:
    """The part of a UTF-16-LE text an entity covers; half a surrogate pair is dropped.

    aiogram's ``extract_from`` raises on an entity that splits a pair: such an
    entity still validates, and must not cost the message its answer.
    """
    return encoded[offset * 2:(offset + length) * 2].decode("utf-16-le", errors="ignore")


def _own_mentions(message: Message, me: User) -> list[tuple[int, int]]:
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities or []
    encoded = text.encode("utf-16-le")
    spans = []
    for entity in entities:
        if entity.type == "mention" and me.username:
            if _covered(encoded, entity.offset, entity.length).lower() == f"@{me.username.lower()}":
                spans.append((entity.offset, entity.length))
        elif entity.type == "text_mention" and entity.user and entity.user.id == me.id:
            spans.append((entity.offset, entity.length))
    return spans
