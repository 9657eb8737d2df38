"""What a test scripts the fake provider server to answer, and what it records of a request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from multidict import CIMultiDict

from tests.fakes.providers.chunkers import Chunker, awkward


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """How a 200 body is written: pauses and a dropped connection, counted in chunks."""

    hold_after: int | None = None  # chunks written before waiting for ``release``
    release: asyncio.Event | None = None  # None: hold until the server closes
    cut_after: int | None = None  # chunks written before the server drops the connection
    # Step-by-step pacing: before writing chunk ``i``, wait for ``gates[i]``.
    gates: Mapping[int, asyncio.Event] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer(Delivery):
    """A successful answer, framed in the provider's protocol and written in chunks."""

    text: str | Callable[[Any], str]  # or built from the request's parsed JSON body
    piece_size: int = 3  # characters of text per protocol frame
    chunks: Chunker = awkward
    newline: str = "\n"  # "\r\n" for CRLF framing
    final_newline: bool = True
    sse_space: bool = True  # "data: {...}" or "data:{...}"
    sse_separators: bool = True  # a blank line after every SSE event
    end_marker: bool = True  # "data: [DONE]" (SSE protocols only)


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


Reply: TypeAlias = str | Callable[[Any], str] | Answer | Raw | Failure | Hang


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
    outcome: str = "pending"  # "completed", "disconnected" (by the client) or "cut" (by us)
    chunks_sent: int = 0  # body chunks written so far
    holding: asyncio.Event = field(default_factory=asyncio.Event)  # waiting at a hold or gate
    finished: asyncio.Event = field(default_factory=asyncio.Event)
