"""Piece decoders: response bytes in, the answer's text pieces out.

Each protocol's framing (``providers.streams``) plus the rule that finds the
text in each frame. All share the :class:`PieceDecoder` shape so that the
provider base can drive any of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from providers.streams import DONE, DecodeError, NDJsonDecoder, SSEJsonDecoder, Utf8Decoder


class ReportedError(Exception):
    """The stream itself carried an error object from the provider."""


class PieceDecoder(Protocol):
    """Turns body chunks into text pieces; ``done`` once an end marker was read."""

    @property
    def done(self) -> bool:
        """Whether the protocol's end marker was read."""

    def feed(self, chunk: bytes) -> Iterable[str]:
        """Text pieces completed by this chunk (an error is raised where it is met)."""

    def close(self) -> Iterable[str]:
        """Text pieces completed by the end of the body."""


class ChatCompletionPieces:
    """SSE chat-completion chunks: the text is ``choices[0].delta.content``."""

    def __init__(self) -> None:
        self._events = SSEJsonDecoder()

    @property
    def done(self) -> bool:
        """Whether ``data: [DONE]`` was read."""
        return self._events.done

    def feed(self, chunk: bytes) -> Iterator[str]:
        """Text pieces of the events this chunk completes."""
        return self._texts(self._events.feed(chunk))

    def close(self) -> Iterator[str]:
        """Text pieces of the last event."""
        return self._texts(self._events.close())

    @staticmethod
    def _texts(values: Iterable[Any]) -> Iterator[str]:
        for value in values:
            if value is DONE:
                return
            text = delta_content(value)
            if text:
                yield text


def delta_content(value: Any) -> str | None:
    """The text of one chat-completion chunk (None for role-only or usage chunks)."""
    if not isinstance(value, dict):
        raise DecodeError(f"event is not an object: {str(value)[:80]!r}")
    if "error" in value and "choices" not in value:
        error = value["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise ReportedError(str(message or error))
    choices = value.get("choices")
    if not isinstance(choices, list):
        raise DecodeError("event has no 'choices' list")
    if not choices:
        return None  # e.g. the final usage chunk
    first = choices[0]
    delta = first.get("delta") if isinstance(first, dict) else None
    if not isinstance(delta, dict):
        raise DecodeError("choice has no 'delta' object")
    content = delta.get("content")
    if content is not None and not isinstance(content, str):
        raise DecodeError("delta content is not a string")
    return content


class FlowEventPieces:
    """NDJSON events; those with ``"event": "text"`` carry a piece in ``data``."""

    done = False  # the protocol has no end marker: read to the end of the body

    def __init__(self) -> None:
        self._events = NDJsonDecoder()

    def feed(self, chunk: bytes) -> Iterator[str]:
        """Text pieces of the lines this chunk completes."""
        return self._texts(self._events.feed(chunk))

    def close(self) -> Iterator[str]:
        """Text pieces of the last line."""
        return self._texts(self._events.close())

    @staticmethod
    def _texts(values: Iterable[Any]) -> Iterator[str]:
        for value in values:
            if not isinstance(value, dict):
                raise DecodeError(f"event is not an object: {str(value)[:80]!r}")
            if value.get("event") != "text":
                continue
            data = value.get("data")
            if not isinstance(data, str):
                raise DecodeError("text event has no string 'data'")
            if data:
                yield data


class PlainTextPieces:
    """An unframed UTF-8 text body, streamed until the server closes it."""

    done = False

    def __init__(self) -> None:
        self._text = Utf8Decoder()

    def feed(self, chunk: bytes) -> list[str]:
        """The text this chunk completes (a split character waits)."""
        text = self._text.feed(chunk)
        return [text] if text else []

    def close(self) -> list[str]:
        """Whatever the end of the body completes."""
        text = self._text.close()
        return [text] if text else []
