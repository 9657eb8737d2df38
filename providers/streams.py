"""Incremental decoders for streamed response bodies.

Pure, synchronous and network-free: each decoder is fed the body's bytes in
whatever chunks the network delivers (split inside a line, inside a
multi-byte UTF-8 character, between ``\\r`` and ``\\n``) and returns what is
complete so far; ``close()`` flushes what the end of the body completes (a
last line without a newline). Malformed input raises :class:`DecodeError`,
which providers translate into their own error tree. The JSON decoders return
iterators that raise only when they reach the bad line, so the values before
it are delivered whatever the chunking (iterate each result to its end).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any, Final

DONE: Final = object()
"""Sentinel value an SSE stream yields for its ``[DONE]`` end marker."""


class DecodeError(ValueError):
    """A part of the stream does not follow its framing."""


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
    """Bytes to lines ending in ``\\n``, ``\\r\\n`` or ``\\r``, terminators removed."""

    def __init__(self) -> None:
        self._text = Utf8Decoder()
        self._buffer = ""

    def feed(self, chunk: bytes) -> list[str]:
        """Return the lines this chunk completes."""
        self._buffer += self._text.feed(chunk)
        return self._split(final=False)

    def close(self) -> list[str]:
        """Return the last line, which may lack a terminator."""
        self._buffer += self._text.close()
        lines = self._split(final=True)
        if self._buffer:
            lines.append(self._buffer)
            self._buffer = ""
        return lines

    def _split(self, *, final: bool) -> list[str]:
        lines: list[str] = []
        buffer = self._buffer
        start = 0
        size = len(buffer)
        while start < size:
            lf = buffer.find("\n", start)
            cr = buffer.find("\r", start, lf if lf >= 0 else size)
            if cr >= 0:
                if cr == size - 1 and not final:
                    break  # a "\r" at the end may be the first half of "\r\n"
                lines.append(buffer[start:cr])
                start = cr + 2 if cr + 1 < size and buffer[cr + 1] == "\n" else cr + 1
            elif lf >= 0:
                lines.append(buffer[start:lf])
                start = lf + 1
            else:
                break
        self._buffer = buffer[start:]
        return lines


class SSEJsonDecoder:
    """Server-Sent Events whose ``data`` payloads are JSON documents.

    Follows the SSE framing (``data:`` with or without the space, comment
    lines, other fields ignored, multi-line data joined by ``\\n``, events
    ended by a blank line or by the end of the body) with one addition:
    a payload that is already a complete JSON document is dispatched at
    once, so servers that write ``data: {...}\\n`` lines without blank
    separators still stream piece by piece. ``[DONE]`` yields :data:`DONE`
    and sets :attr:`done`.
    """

    def __init__(self) -> None:
        self._lines = LineDecoder()
        self._data: list[str] = []
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
                yield from self._dispatch(strict=True)
                continue
            field, _, value = line.partition(":")
            if field != "data":
                continue  # comments (":..."), event, id, retry
            self._data.append(value[1:] if value.startswith(" ") else value)
            yield from self._dispatch(strict=False)
        if final:
            yield from self._dispatch(strict=True)

    def _dispatch(self, *, strict: bool) -> list[Any]:
        if not self._data:
            return []
        payload = "\n".join(self._data)
        if payload.strip() == "[DONE]":
            self._data.clear()
            self.done = True
            return [DONE]
        try:
            value = json.loads(payload)
        except ValueError as exc:
            if not strict:
                return []  # maybe a JSON document spread over several data lines
            self._data.clear()
            raise DecodeError(f"malformed event data: {payload[:120]!r}") from exc
        self._data.clear()
        return [value]


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
                value = json.loads(line)
            except ValueError as exc:
                raise DecodeError(f"line is not JSON: {line[:120]!r}") from exc
            yield value
