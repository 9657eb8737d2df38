"""What a handler hands to the answer service, and what one answer needs to run."""

from __future__ import annotations

from dataclasses import dataclass

from bot.coordination.base import ChatKey
from bot.db import AttachmentRecord
from bot.streaming.base import ChatTarget


@dataclass(frozen=True, slots=True)
class Question:
    """A user's message addressed to the bot."""

    key: ChatKey
    text: str
    author_id: int
    author_name: str
    message_id: int
    chat_type: str = "private"
    chat_title: str | None = None
    language: str = "en"
    attachments: tuple[AttachmentRecord, ...] = ()

    @property
    def group(self) -> bool:
        """Whether several people share this conversation."""
        return self.chat_type != "private"

    @property
    def target(self) -> ChatTarget:
        """Where its answer goes: the same chat and topic, as a reply in groups."""
        return answer_target(self.key, self.chat_type, self.message_id)


@dataclass(frozen=True, slots=True)
class AnswerJob:
    """One answer to write: to which stored question, for whom, and where."""

    question_id: int
    key: ChatKey
    asker_id: int
    language: str
    target: ChatTarget


def answer_target(key: ChatKey, chat_type: str, reply_to: int | None) -> ChatTarget:
    """Where an answer goes: the conversation's chat and topic; a reply in groups."""
    private = chat_type == "private"
    return ChatTarget(chat_id=key.chat_id, private=private, thread_id=key.thread_id or None,
                      reply_to_message_id=None if private else reply_to)
