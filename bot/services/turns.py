"""The values that flow between handlers and the chat service."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from providers.errors import ProviderError


@dataclass(frozen=True, slots=True)
class ChatKey:
    """A conversation's address: a chat, and a forum topic in it (0 when none)."""

    chat_id: int
    thread_id: int = 0


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

    @property
    def group(self) -> bool:
        """Whether several people share this conversation."""
        return self.chat_type != "private"


class StopReason(enum.Enum):
    """Why an answer ended before the provider finished."""

    USER = "user"          # /stop or a stop button
    SHUTDOWN = "shutdown"  # the bot is stopping


@dataclass(slots=True)
class Outcome:
    """How an answer ended."""

    text: str = ""
    status: str = "complete"  # a MessageStatus value
    error: ProviderError | None = None
    provider: str | None = None
    model: str | None = None
    stop_reason: StopReason | None = None
    delivered: bool = True
