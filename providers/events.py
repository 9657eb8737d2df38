"""The typed events of an answer stream.

A provider's :meth:`~providers.base.Provider.events` yields these; the fallback
stream adds :class:`Started` before each attempt. Text is the answer;
everything else describes it::

    Started(provider, model)   fallback only: an attempt begins (drop earlier reasoning)
    ReasoningPiece(text)       the model's thoughts, never part of the answer
    ReasoningWithdrawn()       the "thoughts" so far were the answer after all (it follows)
    TextPiece(text)            a piece of the answer (never empty)
    Finish(reason)             why the model stopped: "stop", "length", "content_filter", ...
    Usage(prompt, completion)  token counts the server reported, once, at the end
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class TextPiece:
    """A piece of the answer's text."""

    text: str


@dataclass(frozen=True, slots=True)
class ReasoningPiece:
    """A piece of the model's reasoning: shown apart, never sent back as the answer."""

    text: str


@dataclass(frozen=True, slots=True)
class ReasoningWithdrawn:
    """What came as reasoning was the answer after all: drop it; it follows as text.

    Only a model remembered to omit ``<think>`` (see :mod:`providers.think`) that
    then answers without thinking produces this.
    """


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts as the server reported them."""

    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True, slots=True)
class Finish:
    """Why the model stopped (the server's ``finish_reason``)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Started:
    """A fallback attempt begins with this provider and model."""

    provider: str
    model: str


StreamEvent: TypeAlias = (TextPiece | ReasoningPiece | ReasoningWithdrawn | Usage | Finish
                          | Started)
# What a single provider's stream yields (no Started).
PieceEvent: TypeAlias = TextPiece | ReasoningPiece | ReasoningWithdrawn | Usage | Finish


def is_progress(event: StreamEvent) -> bool:
    """Whether an event shows the model is still producing (text or reasoning)."""
    return isinstance(event, TextPiece | ReasoningPiece)
