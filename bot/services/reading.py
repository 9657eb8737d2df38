"""Reading one provider stream into a writer, within the answer's limits, until it ends.

The stream ends in one of four ways: the provider finishes, it fails, the
answer is stopped (``/stop``, shutdown), or the chat cannot receive it (the
writer is abandoned). Past ``max_chars`` the rest is never read: the
provider request is closed and the answer marked cut.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Protocol

from bot.clock import Clock
from bot.coordination.base import RunningAnswer
from bot.services.outcome import Ending, Outcome, Usage
from bot.streaming.base import AnswerWriter
from providers.errors import ProviderError
from providers.events import (
    Finish,
    ReasoningPiece,
    ReasoningWithdrawn,
    Started,
    StreamEvent,
    TextPiece,
)
from providers.events import Usage as ReportedUsage

# Reasoning kept for the collapsed quote: its end, which is what fits in a message anyway.
REASONING_KEPT = 16_000


class EventStream(Protocol):
    """A provider stream that can be closed early (the fallback stream is one)."""

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        """Iterate the events."""

    async def aclose(self) -> None:
        """Close the provider request."""


class _Reading:
    """The state of one read: text so far, where it started, what the provider said."""

    def __init__(self, writer: AnswerWriter, outcome: Outcome, max_chars: int,
                 clock: Clock) -> None:
        self.writer, self.outcome, self.max_chars, self.clock = writer, outcome, max_chars, clock
        self.parts: list[str] = []
        self.thoughts: list[str] = []
        self.length = 0
        self.started = clock.now()

    def take(self, event: StreamEvent) -> bool:
        """Apply one event; False when reading must stop (the answer is long enough)."""
        outcome = self.outcome
        if isinstance(event, TextPiece):
            if not self.parts:
                outcome.first_piece_seconds = self.clock.now() - self.started
            text = event.text[: self.max_chars - self.length]
            self.parts.append(text)
            self.length += len(text)
            self.writer.append(text)
            if self.length >= self.max_chars:
                outcome.ending = Ending.CUT
                return False
        elif isinstance(event, ReasoningPiece):
            self.thoughts.append(event.text)
            self.writer.think()
        elif isinstance(event, ReasoningWithdrawn):
            self.thoughts.clear()  # it was the answer, and follows as text
        elif isinstance(event, Started):
            outcome.provider, outcome.model = event.provider, event.model
            self.thoughts.clear()  # an earlier attempt's thoughts are not this answer's
        elif isinstance(event, ReportedUsage):
            outcome.usage = Usage(event.prompt_tokens, event.completion_tokens, estimated=False)
        elif isinstance(event, Finish):
            outcome.finish_reason = event.reason
        return not self.writer.abandoned


async def read_answer(stream: EventStream, writer: AnswerWriter,
                      running: RunningAnswer, outcome: Outcome, *, max_chars: int,
                      clock: Clock) -> None:
    """Feed ``stream`` into ``writer`` and ``outcome`` until it ends or the answer stops.

    A provider failure lands in ``outcome.error``; a stop request cancels the
    read. The provider request is closed in every case. Only a bug escapes.
    """
    reading = _Reading(writer, outcome, max_chars, clock)

    async def consume() -> None:
        async for event in stream:
            if not reading.take(event):
                return

    consumer = asyncio.create_task(consume(), name="provider-read")
    stopper = asyncio.create_task(running.stopped.wait(), name="stop-wait")
    try:
        await asyncio.wait({consumer, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (consumer, stopper):
            task.cancel()
        ending, _ = await asyncio.gather(consumer, stopper, return_exceptions=True)
        await stream.aclose()
        outcome.text = "".join(reading.parts)
        outcome.reasoning = "".join(reading.thoughts)[-REASONING_KEPT:]
    if isinstance(ending, ProviderError):
        outcome.error = ending
    elif isinstance(ending, asyncio.CancelledError):
        outcome.stop_reason = running.reason  # the stop won: the answer is cut where it was
    elif isinstance(ending, BaseException):
        raise ending
