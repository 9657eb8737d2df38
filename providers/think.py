"""Inline reasoning: ``<think>…</think>`` in the content of OpenAI-compatible streams.

Some local servers' chat templates put the model's thoughts in the content
between ``<think>`` and ``</think>``; others put ``<think>`` in the prompt, so
the content starts with the thoughts and only ``</think>`` shows. The tags can
be split across pieces at any character. The rule, as a state machine:

- Before the answer starts, leading whitespace and anything that may still
  become ``<think>`` wait. Content that starts with ``<think>`` is reasoning
  up to ``</think>``, or to the end of the stream when it never closes.
- A lone ``</think>`` seen before any answer text was emitted makes everything
  before it reasoning. Text is emitted as soon as it cannot be part of a tag
  (answers must stream), so this catches a template without the opening tag
  only when the thoughts and ``</think>`` arrive before the first emitted
  text; otherwise the thoughts have already gone out as answer text, and the
  late ``</think>`` is dropped and reported (:attr:`ThinkSplitter.late_close`)
  so that the provider can start the next answer of that model as reasoning
  (``thinking=True``).
- Such an assumed thought streams as reasoning, but it is also held: when the
  content ends without any ``</think>``, the model answered plainly after all,
  so the held text is withdrawn as reasoning (:class:`~providers.events.ReasoningWithdrawn`)
  and given again as the answer, and :attr:`ThinkSplitter.disproved`
  is set (the provider then forgets the model). Only an explicit ``<think>``
  left open stays reasoning to the end.
- Whitespace right after ``</think>`` (or after reasoning that arrived in
  separate fields, see :meth:`ThinkSplitter.reasoned`) is dropped, so the
  answer never starts with blank lines.
- Once the answer has started, ``<think>`` is ordinary text.
"""

from __future__ import annotations

from providers.events import ReasoningPiece, ReasoningWithdrawn, TextPiece

OPEN = "<think>"
CLOSE = "</think>"
HELD_MAX = 1024 * 1024
"""Characters of an assumed thought held in case it is the answer; past it, it is a thought."""
Piece = TextPiece | ReasoningPiece | ReasoningWithdrawn


def _partial_tail(text: str, tag: str) -> int:
    """Length of the longest end of ``text`` that is a proper beginning of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0


class ThinkSplitter:
    """Content pieces in, text and reasoning pieces out (see the module docstring)."""

    def __init__(self, *, thinking: bool = False) -> None:
        # "start": nothing decided; "think": inside reasoning; "answer": answering.
        self._state = "start"
        self._assume_thinking = thinking
        self._buffer = ""
        self._trim = False  # drop whitespace before the answer's first character
        # An assumed thought (no "<think>" seen) is held, in case no "</think>" ever comes.
        self._held: list[str] | None = None
        self._held_size = 0
        self.answered = False
        self.late_close = False
        self.disproved = False

    def reasoned(self) -> None:
        """Reasoning arrived by another route: the answer's leading whitespace goes."""
        if not self.answered:
            self._trim = True

    def feed(self, text: str) -> list[Piece]:
        """The pieces ``text`` completes."""
        self._buffer += text
        out: list[Piece] = []
        while self._buffer and self._step(out):
            pass
        return out

    def close(self) -> list[Piece]:
        """What is left when the content ends.

        An unclosed ``<think>`` is all reasoning; an assumed thought that never
        closed was the answer, and comes again as text.
        """
        rest, self._buffer = self._buffer, ""
        if self._state == "think" and self._held is not None:
            self.disproved = True  # thinking was assumed, and no "</think>" ever came
            return [ReasoningWithdrawn(), *self._answer("".join(self._held) + rest)]
        if self._state == "think":
            return [ReasoningPiece(rest)] if rest else []
        if (self._state == "start" or self._trim) and rest.isspace():
            rest = ""  # whitespace alone before the answer is no answer
        return self._answer(rest)

    def _step(self, out: list[Piece]) -> bool:
        """Handle the buffer in the current state; False when it must wait for more."""
        if self._state == "think":
            return self._in_thought(out)
        if self._state == "answer":
            return self._in_answer(out)
        head = self._buffer.lstrip()
        if head.startswith(OPEN):
            self._state, self._buffer = "think", head[len(OPEN):]
            return True
        if OPEN.startswith(head):
            return False  # whitespace only, or the beginning of "<think>"
        if self._assume_thinking:
            self._state, self._buffer, self._held = "think", head, []
            return True
        end = self._buffer.find(CLOSE)
        if end >= 0:  # a lone "</think>" before any answer: what came before was reasoning
            self._emit_reasoning(self._buffer[:end], out)
            self._buffer = self._buffer[end + len(CLOSE):]
            self._trim = True
        self._state = "answer"
        return True

    def _in_thought(self, out: list[Piece]) -> bool:
        end = self._buffer.find(CLOSE)
        if end >= 0:
            self._emit_reasoning(self._buffer[:end], out)
            self._buffer = self._buffer[end + len(CLOSE):]
            self._state, self._trim, self._held = "answer", True, None
            return True
        keep = _partial_tail(self._buffer, CLOSE)
        self._emit_reasoning(self._buffer[:len(self._buffer) - keep], out)
        self._buffer = self._buffer[len(self._buffer) - keep:]
        return False

    def _in_answer(self, out: list[Piece]) -> bool:
        if self._trim:
            self._buffer = self._buffer.lstrip()
            if not self._buffer:
                return False
            self._trim = False
        end = self._buffer.find(CLOSE)
        if end >= 0:  # too late to take back what was sent: drop the tag, remember it
            out.extend(self._answer(self._buffer[:end]))
            self._buffer = self._buffer[end + len(CLOSE):]
            self.late_close = True
            self._trim = not self.answered
            return True
        keep = _partial_tail(self._buffer, CLOSE)
        out.extend(self._answer(self._buffer[:len(self._buffer) - keep]))
        self._buffer = self._buffer[len(self._buffer) - keep:]
        return False

    def _answer(self, text: str) -> list[Piece]:
        if not text:
            return []
        self.answered = True
        return [TextPiece(text)]

    def _emit_reasoning(self, text: str, out: list[Piece]) -> None:
        if not text:
            return
        out.append(ReasoningPiece(text))
        if self._held is not None:
            self._held.append(text)
            self._held_size += len(text)
            if self._held_size > HELD_MAX:
                self._held = None  # no plain answer is that long: a real thought
