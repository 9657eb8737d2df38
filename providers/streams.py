"""Incremental decoders for streamed response bodies.

Pure, synchronous and network-free: each decoder is fed the body's bytes in
whatever chunks the network delivers (split inside a line, inside a
multi-byte UTF-8 character, between ``\\r`` and ``\\n``) and returns what is
complete so far; ``close()`` flushes what the end of the body completes (a
last line without a newline). Malformed input raises :class:`DecodeError`,
which providers translate into their own error tree. The JSON decoders return
iterators that raise only when they reach the bad line, so the values before
it are delivered whatever the chunking (iterate each result to its end).

Work and memory are bounded: every byte is scanned a constant number of times
however the body is cut, and a line (or an SSE event's data) longer than
:data:`MAX_LINE_LENGTH` is a :class:`DecodeError` rather than a growing buffer.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, Final

DONE: Final = object()
"""Sentinel value an SSE stream yields for its ``[DONE]`` end marker."""

MAX_LINE_LENGTH: Final = 1024 * 1024
"""Characters one line (or one SSE event's data) may hold: 1 Mi."""

_TERMINATOR = re.compile(r"\r\n|\r|\n")
# JSON strings never hold a raw line break, so each data line's strings close on that line.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


class DecodeError(ValueError):
    """A part of the stream does not follow its framing."""


def parse_json(text: str | bytes) -> Any:
    """``json.loads`` whose every failure is a ``ValueError``, as callers expect.

    Deep nesting (``[[[[...``) makes the parser raise ``RecursionError``: that
    becomes a :class:`DecodeError`, so no server can raise what callers never catch.
    """
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise DecodeError("JSON nested too deeply") from exc


class Utf8Decoder:
    """Bytes to text, holding back a multi-byte character split across chunks."""

    def __init__(self) -> None:
        # "replace": one bad byte from a server should cost one character, not the answer.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, chunk: bytes) -> str:
        """Decode a chunk; an incomplete trailing character waits for the next one."""
        return self._decoder.decode(chunk)

    def close(self) -> str:
        """Flush the end of the stream (a truncated character becomes U+FFFD)."""
        return self._decoder.decode(b"", final=True)


class LineDecoder:
    """Bytes to lines ending in ``\\n``, ``\\r\\n`` or ``\\r``, terminators removed.

    Only new text is scanned: an unfinished line waits as a list of parts, so a
    long line arriving in many chunks costs its length once, not once per chunk.
    """

    def __init__(self, max_length: int = MAX_LINE_LENGTH) -> None:
        self._text = Utf8Decoder()
        self._parts: list[str] = []
        self._size = 0
        self._max_length = max_length
        self._held_cr = False  # a "\r" at the end of a chunk may be the first half of "\r\n"

    def feed(self, chunk: bytes) -> list[str]:
        """Return the lines this chunk completes."""
        return self._split(self._text.feed(chunk), final=False)

    def close(self) -> list[str]:
        """Return the last line, which may lack a terminator."""
        lines = self._split(self._text.close(), final=True)
        if self._parts:
            lines.append(self._take(""))
        return lines

    def _split(self, text: str, *, final: bool) -> list[str]:
        if self._held_cr:
            text = "\r" + text
            self._held_cr = False
        if text.endswith("\r") and not final:
            text = text[:-1]
            self._held_cr = True
        lines: list[str] = []
        start = 0
        for match in _TERMINATOR.finditer(text):
            lines.append(self._take(text[start:match.start()]))
            start = match.end()
        if start < len(text):
            self._parts.append(text[start:])
            self._size += len(text) - start
            self._check(self._size)
        return lines

    def _take(self, tail: str) -> str:
        line = "".join(self._parts) + tail if self._parts else tail
        self._parts.clear()
        self._size = 0
        self._check(len(line))
        return line

    def _check(self, size: int) -> None:
        if size > self._max_length:
            self._parts.clear()
            self._size = 0
            raise DecodeError(f"a line longer than {self._max_length} characters")


def bracket_depth(text: str) -> int:
    """How many JSON brackets ``text`` opens minus how many it closes (strings skipped)."""
    bare = _JSON_STRING.sub("", text)
    return (bare.count("{") + bare.count("[")) - (bare.count("}") + bare.count("]"))


class SSEJsonDecoder:
    """Server-Sent Events whose ``data`` payloads are JSON documents.

    Follows the SSE framing (``data:`` with or without the space, comment
    lines, other fields ignored, multi-line data joined by ``\\n``, events
    ended by a blank line or by the end of the body) with one addition:
    a payload that is already a complete JSON document is dispatched at
    once, so servers that write ``data: {...}\\n`` lines without blank
    separators still stream piece by piece. Whether a multi-line payload is
    complete is judged by counting its brackets line by line, so it is
    parsed once, not once per line. ``[DONE]`` yields :data:`DONE` and sets
    :attr:`done`.
    """

    def __init__(self) -> None:
        self._lines = LineDecoder()
        self._data: list[str] = []
        self._size = 0
        self._depth = 0
        self.done = False

    def feed(self, chunk: bytes) -> Iterator[Any]:
        """The JSON values (or :data:`DONE`) this chunk completes."""
        return self._consume(self._lines.feed(chunk), final=False)

    def close(self) -> Iterator[Any]:
        """Flush the last event; an unfinished payload is a :class:`DecodeError`."""
        return self._consume(self._lines.close(), final=True)

    def _consume(self, lines: list[str], *, final: bool) -> Iterator[Any]:
        for line in lines:
            if self.done:
                return
            if not line:
                yield from self._dispatch()
                continue
            field, _, value = line.partition(":")
            if field != "data":
                continue  # comments (":..."), event, id, retry
            yield from self._add(value[1:] if value.startswith(" ") else value)
        if final and not self.done:
            yield from self._dispatch()

    def _add(self, value: str) -> list[Any]:
        self._data.append(value)
        self._size += len(value) + 1
        if self._size > MAX_LINE_LENGTH:
            self._clear()
            raise DecodeError(f"event data longer than {MAX_LINE_LENGTH} characters")
        if len(self._data) == 1 and value.strip():
            try:  # the usual case: one line, one document
                parsed = parse_json(value)
            except ValueError:
                pass
            else:
                self._clear()
                return [parsed]
            if value.strip() == "[DONE]":
                return self._dispatch()
        self._depth += bracket_depth(value)
        if self._depth <= 0 and any(part.strip() for part in self._data):
            return self._dispatch()
        return []

    def _dispatch(self) -> list[Any]:
        if not self._data:
            return []
        payload = "\n".join(self._data)
        self._clear()
        if payload.strip() == "[DONE]":
            self.done = True
            return [DONE]
        if not payload.strip():
            return []
        try:
            return [parse_json(payload)]
        except ValueError as exc:
            raise DecodeError(f"malformed event data: {payload[:120]!r}") from exc

    def _clear(self) -> None:
        self._data.clear()
        self._size = 0
        self._depth = 0


class NDJsonDecoder:
    """Newline-delimited JSON: one document per line, blank lines skipped."""

    def __init__(self) -> None:
        self._lines = LineDecoder()

    def feed(self, chunk: bytes) -> Iterator[Any]:
        """The JSON values of the lines this chunk completes."""
        return self._parse(self._lines.feed(chunk))

    def close(self) -> Iterator[Any]:
        """Parse the last line, which may lack a newline."""
        return self._parse(self._lines.close())

    @staticmethod
    def _parse(lines: list[str]) -> Iterator[Any]:
        for line in lines:
            if not line.strip():
                continue
            try:
                value = parse_json(line)
            except ValueError as exc:
                raise DecodeError(f"line is not JSON: {line[:120]!r}") from exc
            yield value
