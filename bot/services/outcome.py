"""How an answer ended: one value the answer unit fills in and every reply is made from."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.coordination.base import StopReason
from bot.db import MessageStatus
from providers.errors import ProviderError


class Ending(enum.Enum):
    """The ways an answer ends, each with its own notice to the user."""

    COMPLETE = "complete"
    STOPPED = "stopped"  # /stop or a stop button
    SHUTDOWN = "shutdown"  # the process is stopping; the question is handed back
    FAILED = "failed"  # the provider failed before any text
    INTERRUPTED = "interrupted"  # the provider failed after some text
    CUT = "cut"  # longer than ANSWER_MAX_CHARS
    LENGTH = "length"  # the model's output limit ended it
    FILTERED = "filtered"  # the provider's content filter ended it
    EMPTY = "empty"  # no text, or only whitespace
    GONE = "gone"  # the chat cannot receive messages (blocked, kicked)
    BROKEN = "broken"  # something on our side failed (database, a bug)
    NO_PROVIDER = "no_provider"  # every provider is switched off

    @property
    def status(self) -> MessageStatus:
        """How the stored answer is marked."""
        return _STATUS[self]


_STATUS = {
    Ending.COMPLETE: MessageStatus.COMPLETE,
    Ending.LENGTH: MessageStatus.COMPLETE,
    Ending.FILTERED: MessageStatus.COMPLETE,
    Ending.STOPPED: MessageStatus.STOPPED,
    Ending.SHUTDOWN: MessageStatus.INTERRUPTED,
    Ending.INTERRUPTED: MessageStatus.INTERRUPTED,
    Ending.GONE: MessageStatus.INTERRUPTED,
    Ending.BROKEN: MessageStatus.INTERRUPTED,
    Ending.CUT: MessageStatus.CUT,
    Ending.FAILED: MessageStatus.FAILED,
    Ending.EMPTY: MessageStatus.FAILED,
    Ending.NO_PROVIDER: MessageStatus.FAILED,
}


@dataclass(slots=True)
class Usage:
    """Tokens one answer cost."""

    prompt_tokens: int
    completion_tokens: int
    estimated: bool


@dataclass(slots=True)
class Outcome:
    """Everything known about an answer once it ended."""

    ending: Ending = Ending.COMPLETE
    text: str = ""
    reasoning: str = ""
    error: ProviderError | None = None
    provider: str | None = None
    model: str | None = None
    usage: Usage | None = None
    finish_reason: str | None = None
    first_piece_seconds: float | None = None
    seconds: float = 0.0
    blind: bool = False  # photos went to a model that cannot see them (say so, once a chat)
    stop_reason: StopReason | None = None  # set only when a stop cut the reading short
