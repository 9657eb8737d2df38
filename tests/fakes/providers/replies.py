"""What a test scripts the fake provider server to answer, and what it records of a request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from multidict import CIMultiDict

from tests.fakes.providers.chunkers import Chunker, awkward
from tests.fakes.providers.forms import FormField

ReasoningStyle: TypeAlias = Literal["reasoning_content", "reasoning", "think", "think_unopened"]
UsageStyle: TypeAlias = Literal["final", "every", "choice"]
ErrorStyle: TypeAlias = Literal["object", "choices", "finish"]


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """How a 200 body is written: pauses and a dropped connection, counted in chunks."""

    hold_after: int | None = None  # chunks written before waiting for ``release``
    release: asyncio.Event | None = None  # None: hold until the server closes
    cut_after: int | None = None  # chunks written before the server drops the connection
    # Step-by-step pacing: before writing chunk ``i``, wait for ``gates[i]``.
    gates: Mapping[int, asyncio.Event] = field(default_factory=dict)
    # Written every ``keepalive_every`` seconds while a hold or gate lasts (b": ping\n\n"):
    # a server that is alive but says nothing.
    keepalive: bytes = b""
    keepalive_every: float = 0.05
    # Seconds between chunks: a model writing at its own pace, for tests of load and
    # concurrency (never for asserting states: use ``gates`` and ``hold_after`` for those).
    pace: float = 0.0


@dataclass(frozen=True)
class Answer(Delivery):
    """A successful answer, framed in the provider's protocol and written in chunks.

    The fields after ``end_marker`` shape OpenAI-compatible chat-completion
    chunks (the SSE seeds are framed the same way, and their decoders ignore
    what their protocol lacks).
    """

    text: str | Callable[[Any], str]  # or built from the request's parsed JSON body
    piece_size: int = 3  # characters of text per protocol frame
    chunks: Chunker = awkward
    newline: str = "\n"  # "\r\n" for CRLF framing
    final_newline: bool = True
    sse_space: bool = True  # "data: {...}" or "data:{...}"
    sse_separators: bool = True  # a blank line after every SSE event
    end_marker: bool = True  # "data: [DONE]" (SSE protocols only)
    # Thoughts before the answer: in ``delta.reasoning_content``, ``delta.reasoning``, or
    # inline in the content as "<think>…</think>\n\n" ("think_unopened": without "<think>").
    reasoning: str = ""
    reasoning_style: ReasoningStyle = "reasoning_content"
    finish_reason: str | None = "stop"  # None: no finish chunk at all
    usage: tuple[int, int] | None = None  # (prompt_tokens, completion_tokens)
    # "final": a last chunk with "choices": [] (OpenAI); "every": on every chunk, growing;
    # "choice": inside the finishing choice.
    usage_style: UsageStyle = "final"
    # After this many content frames, a chunk reporting ``error`` ends the stream.
    error_after: int | None = None
    error: str = "upstream error"
    # "object": {"error": {...}} alone; "choices": next to a choice with finish_reason
    # "error" (OpenRouter); "finish": only finish_reason "error", no error object.
    error_style: ErrorStyle = "choices"
    comment: str | None = None  # an SSE comment line (": ping") before every frame
    streaming: bool = True  # False: one application/json chat.completion body, as proxies do


@dataclass(frozen=True)
class Raw(Delivery):
    """Exactly these body chunks, unframed: malformed lines, an empty body, odd frames."""

    chunks: Sequence[bytes] = ()
    status: int = 200
    content_type: str = "text/event-stream"


@dataclass(frozen=True)
class Failure:
    """An HTTP error answer (status, body, extra headers such as ``Retry-After``)."""

    status: int
    body: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "text/plain"


@dataclass(frozen=True)
class Hang:
    """Send nothing, not even a status line, until ``release`` is set; then drop the connection."""

    release: asyncio.Event | None = None


# What Gemini's OpenAI-compatible endpoint answers to a body with "stream_options".
STREAM_OPTIONS_REJECTION = Failure(
    400, '[{"error": {"code": 400, "message": "Invalid JSON payload received. '
         'Unknown name \\"stream_options\\": Cannot find field.", '
         '"status": "INVALID_ARGUMENT"}}]', content_type="application/json")


@dataclass(frozen=True)
class RejectsStreamOptions:
    """A server that refuses bodies carrying ``stream_options`` (400) and answers the rest."""

    then: Reply
    rejection: Failure = STREAM_OPTIONS_REJECTION


Reply: TypeAlias = str | Callable[[Any], str] | Answer | Raw | Failure | Hang | RejectsStreamOptions
# A transcription reply: the text (served as {"text": ...}), an error, or any raw body.
TranscriptionReply: TypeAlias = str | Failure | Raw


@dataclass
class RecordedRequest:
    """One request as the server saw it, and what became of its answer."""

    provider: str | None  # None: a path no protocol uses
    method: str
    path: str
    url: str  # absolute; through an HTTP proxy, the host the client asked for
    headers: CIMultiDict[str]
    body: bytes
    json: Any  # the parsed body, None when it is not JSON
    form: dict[str, FormField] | None = None  # the fields of a multipart/form-data body
    kind: str = "chat"  # "chat", "models" or "transcription"
    outcome: str = "pending"  # "completed", "disconnected" (by the client) or "cut" (by us)
    chunks_sent: int = 0  # body chunks written so far
    holding: asyncio.Event = field(default_factory=asyncio.Event)  # waiting at a hold or gate
    finished: asyncio.Event = field(default_factory=asyncio.Event)
