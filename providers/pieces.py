"""Piece decoders: response bytes in, the answer's typed events out.

Each protocol's framing (``providers.streams``) plus the rule that finds the
text in each frame. All share the :class:`PieceDecoder` shape so that the
provider base can drive any of them. The seed protocols yield only
:class:`~providers.events.TextPiece`; OpenAI-compatible streams also yield
reasoning, the finish reason and usage.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from providers.chunks import ChunkParts, JsonDocumentDecoder, ReportedError, read_chunk
from providers.events import Finish, PieceEvent, ReasoningPiece, TextPiece, Usage
from providers.streams import (
    DONE,
    DecodeError,
    NDJsonDecoder,
    SSEJsonDecoder,
    Utf8Decoder,
)
from providers.think import ThinkSplitter

__all__ = [
    "ChatCompletionPieces",
    "FlowEventPieces",
    "OpenAIPieces",
    "PieceDecoder",
    "PlainTextPieces",
    "ReportedError",
]


class PieceDecoder(Protocol):
    """Turns body chunks into events; ``done`` once an end marker was read."""

    @property
    def done(self) -> bool:
        """Whether the protocol's end marker was read."""

    def feed(self, chunk: bytes) -> Iterable[PieceEvent]:
        """Events completed by this chunk (an error is raised where it is met)."""

    def close(self) -> Iterable[PieceEvent]:
        """Events completed by the end of the body (called once, also after ``done``)."""


class ChatCompletionPieces:
    """The seeds' SSE chat-completion chunks: the text is ``choices[0].delta.content``."""

    def __init__(self) -> None:
        self._events = SSEJsonDecoder()

    @property
    def done(self) -> bool:
        """Whether ``data: [DONE]`` was read."""
        return self._events.done

    def feed(self, chunk: bytes) -> Iterator[PieceEvent]:
        """Text pieces of the events this chunk completes."""
        return self._texts(self._events.feed(chunk))

    def close(self) -> Iterator[PieceEvent]:
        """Text pieces of the last event."""
        return self._texts(self._events.close())

    @staticmethod
    def _texts(values: Iterable[Any]) -> Iterator[PieceEvent]:
        for value in values:
            if value is DONE:
                return
            text = read_chunk(value).content
            if text:
                yield TextPiece(text)


class OpenAIPieces:
    """OpenAI-compatible chunks: text, reasoning (three forms), finish reason, usage.

    A body whose first character is ``{`` is one ``chat.completion`` document
    (a server that ignored ``stream: true``), read when the body ends; anything
    else is SSE. The finish reason and the last usage seen come at the end,
    once. ``thinking`` starts the content as reasoning (a model whose template
    omits ``<think>``); ``learn`` hears, at the end, whether the model's template
    omits ``<think>``: True after a ``</think>`` that came too late, False when
    the content expected to start as reasoning never closed it.
    """

    def __init__(self, *, thinking: bool = False,
                 learn: Callable[[bool], None] | None = None) -> None:
        self._events = SSEJsonDecoder()
        self._document: JsonDocumentDecoder | None = None
        self._sniffed = False
        self._think = ThinkSplitter(thinking=thinking)
        self._learn = learn
        self._finish: str | None = None
        self._usage: Usage | None = None
        self._closed = False

    @property
    def done(self) -> bool:
        """Whether ``data: [DONE]`` was read."""
        return self._events.done

    def feed(self, chunk: bytes) -> Iterator[PieceEvent]:
        """Events of the chunks this body chunk completes."""
        if not self._sniffed and chunk.strip():
            self._sniffed = True
            if chunk.lstrip().startswith(b"{"):
                self._document = JsonDocumentDecoder()
        if self._document is not None:
            self._document.feed(chunk)
            return iter(())
        return self._read(self._events.feed(chunk))

    def close(self) -> Iterator[PieceEvent]:
        """The last events: leftover text, then ``Finish`` and ``Usage`` when known."""
        if self._closed:
            return
        self._closed = True
        if self._document is not None:
            yield from self._read([self._document.close()])
        else:
            yield from self._read(self._events.close())
        yield from self._think.close()
        if self._learn is not None and (self._think.late_close or self._think.disproved):
            self._learn(self._think.late_close)
        if self._finish is not None:
            yield Finish(self._finish)
        if self._usage is not None:
            yield self._usage

    def _read(self, values: Iterable[Any]) -> Iterator[PieceEvent]:
        for value in values:
            if value is DONE:
                return
            yield from self._parts(read_chunk(value))

    def _parts(self, parts: ChunkParts) -> Iterator[PieceEvent]:
        if parts.reasoning:
            self._think.reasoned()
            yield ReasoningPiece(parts.reasoning)
        if parts.content:
            yield from self._think.feed(parts.content)
        self._finish = parts.finish or self._finish
        self._usage = parts.usage or self._usage


class FlowEventPieces:
    """NDJSON events; those with ``"event": "text"`` carry a piece in ``data``."""

    done = False  # the protocol has no end marker: read to the end of the body

    def __init__(self) -> None:
        self._events = NDJsonDecoder()

    def feed(self, chunk: bytes) -> Iterator[PieceEvent]:
        """Text pieces of the lines this chunk completes."""
        return self._texts(self._events.feed(chunk))

    def close(self) -> Iterator[PieceEvent]:
        """Text pieces of the last line."""
        return self._texts(self._events.close())

    @staticmethod
    def _texts(values: Iterable[Any]) -> Iterator[PieceEvent]:
        for value in values:
            if not isinstance(value, dict):
                raise DecodeError(f"event is not an object: {reprlib.repr(value)}")
            if value.get("event") != "text":
                continue
            data = value.get("data")
            if not isinstance(data, str):
                raise DecodeError("text event has no string 'data'")
            if data:
                yield TextPiece(data)


class PlainTextPieces:
    """An unframed UTF-8 text body, streamed until the server closes it."""

    done = False

    def __init__(self) -> None:
        self._text = Utf8Decoder()

    def feed(self, chunk: bytes) -> list[PieceEvent]:
        """The text this chunk completes (a split character waits)."""
        text = self._text.feed(chunk)
        return [TextPiece(text)] if text else []

    def close(self) -> list[PieceEvent]:
        """Whatever the end of the body completes."""
        text = self._text.close()
        return [TextPiece(text)] if text else []
