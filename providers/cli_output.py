"""How ``python -m providers`` writes an answer: reasoning apart from text, usage at the end."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TextIO

from providers.events import (
    Finish,
    ReasoningPiece,
    ReasoningWithdrawn,
    StreamEvent,
    TextPiece,
    Usage,
)
from providers.messages import ChatMessage
from providers.usage import estimate_prompt_tokens, estimate_tokens

FAINT = "\x1b[2m"
RESET = "\x1b[0m"


def wants_faint(stream: TextIO, isatty: Callable[[], bool] | None = None) -> bool:
    """Whether to dim reasoning: on a terminal yes, on a pipe or file no."""
    return (isatty or stream.isatty)()


class AnswerPrinter:
    """Writes events as they come: reasoning (dimmed on a terminal), a blank line, the text."""

    def __init__(self, out: TextIO, *, faint: bool) -> None:
        self._out = out
        self._faint = faint
        self._in_reasoning = False
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.usage: Usage | None = None
        self.finish: str | None = None

    def show(self, event: StreamEvent) -> None:
        """Write one event (usage and the finish reason are kept for the end)."""
        if isinstance(event, ReasoningPiece):
            if not self._in_reasoning:
                self._in_reasoning = True
                self._write(FAINT if self._faint else "")
            self.reasoning.append(event.text)
            self._write(event.text)
        elif isinstance(event, TextPiece):
            self._leave_reasoning(separate=True)
            self.text.append(event.text)
            self._write(event.text)
        elif isinstance(event, ReasoningWithdrawn):
            self.reasoning.clear()  # it was the answer: it follows, and counts, as text
        elif isinstance(event, Usage):
            self.usage = event
        elif isinstance(event, Finish):
            self.finish = event.reason
        self._out.flush()

    def stop(self) -> None:
        """Leave the terminal as it was, however the answer ended."""
        self._leave_reasoning(separate=False)
        self._out.flush()

    def usage_line(self, messages: Sequence[ChatMessage]) -> str:
        """Prompt and completion tokens: the server's, or estimated when it gave none."""
        if self.usage is not None:
            return (f"tokens: {self.usage.prompt_tokens} prompt, "
                    f"{self.usage.completion_tokens} completion")
        completion = estimate_tokens("".join(self.reasoning) + "".join(self.text))
        return (f"tokens (estimated): {estimate_prompt_tokens(messages)} prompt, "
                f"{completion} completion")

    def _leave_reasoning(self, *, separate: bool) -> None:
        if self._in_reasoning:
            self._in_reasoning = False
            self._write((RESET if self._faint else "") + ("\n\n" if separate else ""))

    def _write(self, text: str) -> None:
        if text:
            self._out.write(text)
