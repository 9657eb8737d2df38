"""The interface between the answer service and the Telegram renderers.

The service pushes text pieces into an :class:`AnswerWriter` as the provider
yields them and never waits for Telegram while doing so; the writer owns all
pacing, flood control, splitting and formatting.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ChatTarget:
    """Where an answer goes."""

    chat_id: int
    private: bool
    thread_id: int | None = None  # forum topic; replies stay in it
    reply_to_message_id: int | None = None  # the question the answer replies to


@dataclass(frozen=True, slots=True)
class StopButton:
    """An inline "Stop" button shown under a message while it is being edited."""

    label: str
    callback_data: str


@dataclass(frozen=True, slots=True)
class Decor:
    """What a writer shows besides the answer, in the reader's language."""

    stop_button: StopButton | None = None
    thinking: str | None = None  # status while the model reasons, with a {seconds} field


@dataclass(slots=True)
class Delivery:
    """What reached the chat."""

    message_ids: list[int] = field(default_factory=list)
    delivered: bool = True  # False when the chat is gone (bot blocked or kicked)


@dataclass(frozen=True, slots=True)
class LiveMessage:
    """Where an answer stands on screen: its first message, the one still growing, the text."""

    first_message_id: int
    message_id: int
    text: str  # what the growing message shows
    answer_text: str  # the whole answer so far


class AnswerWriter(Protocol):
    """Renders one growing answer into one chat."""

    @property
    def abandoned(self) -> bool:
        """True once the chat cannot receive the answer (403): stop reading the provider."""

    def append(self, piece: str) -> None:
        """Add a piece of text; returns at once (sending happens in the background)."""

    def think(self) -> None:
        """The model is reasoning: show a "thinking" status until text arrives."""

    def live(self) -> LiveMessage | None:
        """The message still growing and what it shows (None before the first message)."""

    def finish(self, footer: str | None = None, *,
               reasoning: str | None = None) -> Awaitable[Delivery]:
        """Deliver the complete text, formatted, with an optional plain footer line.

        Returns at once; await the result for the delivery (pacing and 429
        windows still apply). ``reasoning`` goes above the answer, collapsed.
        """

    async def close(self) -> None:
        """Release the writer's background work (idempotent; also after ``finish``)."""
