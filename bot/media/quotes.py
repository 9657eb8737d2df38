"""What a question refers to: a replied message, a quoted part, another chat's message, a forward.

Pure functions over aiogram ``Message`` objects; :func:`quoted_block` renders
the result as text for the model. Whether a reply to the bot's own message
counts as context is the caller's choice (:func:`is_reply_to`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aiogram.types import (
    Chat,
    ExternalReplyInfo,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    User,
)

QuoteKind = Literal["reply", "quote", "external", "forward"]
Origin = MessageOriginUser | MessageOriginHiddenUser | MessageOriginChat | MessageOriginChannel

# Checked in this order: an animation also carries a document, a venue a location.
_MEDIA = (
    ("photo", "photo"),
    ("animation", "GIF"),
    ("video", "video"),
    ("video_note", "round video"),
    ("voice", "voice message"),
    ("audio", "audio"),
    ("document", "file"),
    ("sticker", "sticker"),
    ("poll", "poll"),
    ("venue", "venue"),
    ("location", "location"),
    ("contact", "contact"),
    ("story", "story"),
)
_HEADERS: dict[QuoteKind, str] = {
    "reply": "Replying to a message from {author}:",
    "quote": "Replying to this part of a message from {author}:",
    "external": "Replying to a message from {author} in another chat:",
    "forward": "Forwarded message from {author}:",
}


@dataclass(frozen=True)
class QuotedContext:
    """Text a question refers to, who wrote it, and how it is referred to."""

    author: str
    text: str
    kind: QuoteKind


def quoted_context(message: Message) -> QuotedContext | None:
    """What ``message`` replies to: the quoted part if any, else the whole replied message.

    A reply to a message of another chat (``external_reply``) carries no text
    of its own: only a quote, or a short note of its media.
    """
    quote = message.quote.text if message.quote else None
    replied = replied_message(message)
    if replied is not None:
        author = sender_name(replied)
        if quote:
            return QuotedContext(author, quote, "quote")
        return QuotedContext(author, content_of(replied), "reply")
    external = message.external_reply
    if external is not None:
        text = quote or _media_label(external) or "(a message)"
        return QuotedContext(origin_name(external.origin), text, "external")
    return None


def forwarded_context(message: Message) -> QuotedContext | None:
    """A forwarded message as context: its original author and its content."""
    if message.forward_origin is None:
        return None
    return QuotedContext(origin_name(message.forward_origin), content_of(message), "forward")


def replied_message(message: Message) -> Message | None:
    """The message ``message`` really replies to.

    In a forum topic, Telegram gives every message without a reply of its own
    the topic's creation message as ``reply_to_message``: that is no reply.
    """
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return None
    return replied


def is_reply_to(message: Message, user_id: int) -> bool:
    """Whether ``message`` replies to a message sent by ``user_id`` (e.g. the bot's own)."""
    replied = replied_message(message)
    return replied is not None and replied.from_user is not None and replied.from_user.id == user_id


def quoted_block(quoted: QuotedContext) -> str:
    """The context as text for the model: a header naming the author, then ``> `` lines."""
    author = " ".join(quoted.author.split()) or "someone"
    lines = [f"> {line}" if line else ">" for line in quoted.text.split("\n")]
    return "\n".join([_HEADERS[quoted.kind].format(author=author), *lines])


def content_of(message: Message) -> str:
    """A message's text or caption, after a note of its media (``[photo]``) if it has some."""
    parts = [_media_label(message), message.text or message.caption]
    return " ".join(part for part in parts if part) or "(an empty message)"


def sender_name(message: Message) -> str:
    """Who sent a message, as the chat shows it (a channel or anonymous admin: the chat)."""
    if message.sender_chat is not None:
        return _signed(chat_name(message.sender_chat), message.author_signature)
    if message.from_user is not None:
        return user_name(message.from_user)
    return "someone"


def origin_name(origin: Origin) -> str:
    """The original author of a forwarded or external message."""
    if isinstance(origin, MessageOriginUser):
        return user_name(origin.sender_user)
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name
    if isinstance(origin, MessageOriginChat):
        return _signed(chat_name(origin.sender_chat), origin.author_signature)
    return _signed(chat_name(origin.chat), origin.author_signature)


def user_name(user: User) -> str:
    """A user's full name, else @username, else their id."""
    return user.full_name.strip() or (f"@{user.username}" if user.username else f"user {user.id}")


def chat_name(chat: Chat) -> str:
    """A chat's title (or a private chat's name)."""
    if chat.title:
        return chat.title
    names = " ".join(n for n in (chat.first_name, chat.last_name) if n)
    return names or (f"@{chat.username}" if chat.username else f"chat {chat.id}")


def _signed(name: str, signature: str | None) -> str:
    return f"{name} ({signature})" if signature else name


def _media_label(source: Message | ExternalReplyInfo) -> str | None:
    for attribute, label in _MEDIA:
        media = getattr(source, attribute, None)
        if media:
            detail = _detail(attribute, media)
            return f"[{label}: {detail}]" if detail else f"[{label}]"
    return None


def _detail(attribute: str, media: object) -> str | None:
    if attribute == "document":
        return getattr(media, "file_name", None)
    if attribute == "sticker":
        return getattr(media, "emoji", None)
    if attribute == "poll":
        return getattr(media, "question", None)
    if attribute == "audio":
        parts = (getattr(media, "performer", None), getattr(media, "title", None))
        return " – ".join(p for p in parts if p) or None
    return None
