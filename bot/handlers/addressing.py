"""Who a message is for, and what conversation it belongs to."""

from __future__ import annotations

from aiogram.types import Message, User

from bot.coordination.base import ChatKey
from bot.services.questions import Question, answer_target
from bot.streaming.base import ChatTarget
from bot.texts import language_of


def chat_key(message: Message) -> ChatKey:
    """The conversation: the chat, and its forum topic when the message is in one."""
    thread = message.message_thread_id if message.is_topic_message else None
    return ChatKey(message.chat.id, thread or 0)


def target_of(message: Message) -> ChatTarget:
    """Where answers to ``message`` go: same chat and topic; a reply in groups."""
    return answer_target(chat_key(message), message.chat.type, message.message_id)


def language(message: Message) -> str:
    """Our language for the message's author."""
    return language_of(message.from_user.language_code if message.from_user else None)


def display_name(message: Message) -> str:
    """The author as people in the chat see them."""
    if message.sender_chat is not None:
        return message.sender_chat.title or "Anonymous"
    user = message.from_user
    if user is None:
        return "Someone"
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))


def is_addressed(message: Message, me: User) -> bool:
    """In private chats always; in groups a mention of the bot or a reply to it."""
    if message.chat.type == "private":
        return True
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == me.id:
        return True
    return bool(_own_mentions(message, me))


def question_text(message: Message, me: User) -> str:
    """The message text without the bot's own @mentions."""
    text = message.text or message.caption or ""
    spans = _own_mentions(message, me)
    if not spans:
        return text.strip()
    # Entity offsets count UTF-16 code units.
    encoded = text.encode("utf-16-le")
    kept = []
    position = 0
    for offset, length in sorted(spans):
        kept.append(encoded[position * 2:offset * 2])
        position = offset + length
    kept.append(encoded[position * 2:])
    return " ".join(b"".join(kept).decode("utf-16-le").split())


def question_of(message: Message, me: User, text: str) -> Question:
    """The service's view of an addressed message."""
    return Question(
        key=chat_key(message),
        text=text,
        author_id=message.from_user.id if message.from_user else message.chat.id,
        author_name=display_name(message),
        message_id=message.message_id,
        chat_type=message.chat.type,
        chat_title=message.chat.title,
        language=language(message),
    )


def _own_mentions(message: Message, me: User) -> list[tuple[int, int]]:
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities or []
    spans = []
    for entity in entities:
        if entity.type == "mention" and me.username:
            if entity.extract_from(text).lower() == f"@{me.username.lower()}":
                spans.append((entity.offset, entity.length))
        elif entity.type == "text_mention" and entity.user and entity.user.id == me.id:
            spans.append((entity.offset, entity.length))
    return spans
