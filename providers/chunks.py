"""Reading chat-completion chunks (or a whole ``chat.completion`` body) the lenient way.

Real OpenAI-compatible servers differ (see the protocol notes): ``"delta": null``,
``message`` instead of ``delta``, ``choices: []`` for usage-only or filter
chunks, usage at the top or inside the choice, and failures reported as an
``error`` object or ``finish_reason: "error"`` inside a 200 stream. This module
turns every such shape into :class:`ChunkParts`, raising only for what no
server sends on purpose.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from typing import Any, Final

from providers.events import Usage
from providers.streams import DecodeError, parse_json

MAX_DOCUMENT_BYTES: Final = 16 * 1024 * 1024
"""Bytes a whole-body JSON document may hold."""


# Error objects without a message are shown as a short repr: bounded in size and depth.
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 200


class ReportedError(Exception):
    """The stream itself carried an error from the provider."""

    def __init__(self, message: str, code: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class ChunkParts:
    """What one chunk says: text, reasoning, why it stopped, token counts."""

    content: str | None = None
    reasoning: str | None = None
    finish: str | None = None
    usage: Usage | None = None


def read_chunk(value: Any) -> ChunkParts:
    """The parts of one chunk; a reported failure raises :class:`ReportedError`."""
    if not isinstance(value, dict):
        raise DecodeError(f"event is not an object: {reprlib.repr(value)}")
    check_error(value.get("error"))
    usage = read_usage(value.get("usage"))
    choices = value.get("choices")
    if choices is None and usage is not None:
        return ChunkParts(usage=usage)
    if not isinstance(choices, list):
        raise DecodeError("event has no 'choices' list")
    if not choices:
        return ChunkParts(usage=usage)  # usage-only, or a content-filter note
    choice = choices[0]
    if not isinstance(choice, dict):
        raise DecodeError("choice is not an object")
    check_error(choice.get("error"))
    finish = choice.get("finish_reason")
    if finish == "error":
        raise ReportedError("the answer ended with an error")
    delta = choice.get("delta")
    if delta is None:
        delta = choice.get("message")
    content: Any = None
    reasoning: Any = None
    if isinstance(delta, dict):
        content = delta.get("content")
        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
    elif delta is None:
        content = choice.get("text")  # legacy completions put the text on the choice
    else:
        raise DecodeError("choice 'delta' is not an object")
    if content is not None and not isinstance(content, str):
        raise DecodeError("delta content is not a string")
    return ChunkParts(
        content=content or None,
        reasoning=reasoning if isinstance(reasoning, str) and reasoning else None,
        finish=finish if isinstance(finish, str) and finish else None,
        usage=read_usage(choice.get("usage")) or usage,
    )


def check_error(error: Any) -> None:
    """Raise :class:`ReportedError` for an ``error`` field that says something."""
    if error is None or error == "" or error == {}:
        return
    if isinstance(error, dict):
        message = error.get("message")
        text = message if isinstance(message, str) and message else _SHORT.repr(error)
        raise ReportedError(text, error.get("code"))
    raise ReportedError(error if isinstance(error, str) else _SHORT.repr(error))


def read_usage(value: Any) -> Usage | None:
    """Token counts from a ``usage`` object; None when absent or not numbers."""
    if not isinstance(value, dict):
        return None
    prompt, completion = value.get("prompt_tokens"), value.get("completion_tokens")
    if type(prompt) is not int or type(completion) is not int:
        return None
    return Usage(prompt, completion)


class JsonDocumentDecoder:
    """A whole body that is one JSON document, parsed when the body ends."""

    def __init__(self, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self._max_bytes = max_bytes

    def feed(self, chunk: bytes) -> None:
        """Keep a chunk (a body past ``max_bytes`` is a :class:`DecodeError`)."""
        self._size += len(chunk)
        if self._size > self._max_bytes:
            self._parts.clear()
            raise DecodeError(f"a JSON body longer than {self._max_bytes} bytes")
        self._parts.append(chunk)

    def close(self) -> Any:
        """The parsed document."""
        body = b"".join(self._parts)
        self._parts.clear()
        try:
            return parse_json(body)
        except ValueError as exc:
            raise DecodeError(f"body is not JSON: {body[:120]!r}") from exc
