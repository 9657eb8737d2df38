"""Decoding work is linear in the bytes read, and memory is bounded, however bodies are cut.

Counted in operations (characters scanned, documents parsed), never in time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from providers import streams
from providers.errors import ResponseFormatError
from providers.streams import MAX_LINE_LENGTH, DecodeError, LineDecoder, SSEJsonDecoder
from tests.fakes.providers import FakeProviderServer, Raw
from tests.providers import collect_until_error
from tests.providers.conftest import ProviderFactory


class CountingPattern:
    """Stands in for the line terminator pattern and counts the characters it scans."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.scanned = 0

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        self.scanned += len(text)
        return self.pattern.finditer(text)


@pytest.fixture
def scanning(monkeypatch: pytest.MonkeyPatch) -> CountingPattern:
    """Count what the line decoder scans."""
    counter = CountingPattern(streams._TERMINATOR)
    monkeypatch.setattr(streams, "_TERMINATOR", counter)
    return counter


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every document the decoders hand to ``json.loads``."""
    seen: list[str] = []
    real = json.loads

    def counting(text: str | bytes, **kwargs: Any) -> Any:
        seen.append(text if isinstance(text, str) else text.decode())
        return real(text, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    return seen


def test_a_long_line_in_many_chunks_is_scanned_once(scanning: CountingPattern) -> None:
    decoder = LineDecoder()
    line = "x" * 200_000
    lines = [got for i in range(0, len(line), 10) for got in decoder.feed(line[i:i + 10].encode())]
    lines += decoder.feed(b"\n")
    assert lines == [line]
    assert scanning.scanned <= len(line) + 1  # not once per chunk: 200 000 * 20 000 / 2


def test_many_lines_are_each_scanned_once(scanning: CountingPattern) -> None:
    body = b"".join(b"line %d\r\n" % i for i in range(5000))
    decoder = LineDecoder()
    lines = [line for i in range(0, len(body), 3) for line in decoder.feed(body[i:i + 3])]
    assert len(lines) == 5000
    assert scanning.scanned <= len(body) + len(body) // 3  # a held "\r" is seen again, once


def test_a_multi_line_event_is_parsed_once(parses: list[str]) -> None:
    values = list(range(3000))
    lines = ["data: {\"values\": ["] + [f"data: {v}," for v in values[:-1]] + \
        [f"data: {values[-1]}]}}", ""]
    body = "\n".join(lines).encode() + b"\n"
    decoder = SSEJsonDecoder()
    out = [v for i in range(0, len(body), 50) for v in decoder.feed(body[i:i + 50])]
    out += decoder.close()
    assert out == [{"values": values}]
    # The first line is tried alone (the usual one-line event); then one parse of the whole.
    assert len(parses) == 2


def test_single_line_events_are_parsed_once_each(parses: list[str]) -> None:
    body = b"".join(b'data: {"n": %d}\n\n' % i for i in range(100))
    decoder = SSEJsonDecoder()
    out = [v for i in range(0, len(body), 7) for v in decoder.feed(body[i:i + 7])]
    assert out == [{"n": i} for i in range(100)]
    assert len(parses) == 100


def test_brackets_inside_strings_do_not_end_an_event_early() -> None:
    body = b'data: {"a": "}]{",\ndata: "b": "\\"]"}\n\n'
    assert list(SSEJsonDecoder().feed(body)) == [{"a": "}]{", "b": '"]'}]


def feed_repeatedly(decoder: LineDecoder | SSEJsonDecoder, chunk: bytes, times: int) -> None:
    """Feed ``chunk`` ``times`` times, consuming what comes out."""
    for _ in range(times):
        list(decoder.feed(chunk))


def test_a_line_past_the_bound_is_a_decode_error() -> None:
    chunk = b"y" * (64 * 1024)
    with pytest.raises(DecodeError, match="line longer than"):
        feed_repeatedly(LineDecoder(), chunk, MAX_LINE_LENGTH // len(chunk) + 1)
    decoder = LineDecoder(max_length=10)
    assert decoder.feed(b"0123456789\n") == ["0123456789"]
    with pytest.raises(DecodeError):
        decoder.feed(b"0123456789A\n")


def test_an_event_past_the_bound_is_a_decode_error() -> None:
    line = b"data: [" + b"1," * 1000 + b"\n"
    with pytest.raises(DecodeError, match="event data longer than"):
        feed_repeatedly(SSEJsonDecoder(), line, MAX_LINE_LENGTH // len(line) + 2)


async def test_an_endless_line_from_a_server_is_a_format_error(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Raw([b'data: {"choices": [{"delta": {"content": "a"}}]}\n\n',
                                 *[b"z" * (256 * 1024)] * 5]))
    received, error = await collect_until_error(make_provider("openai").stream(
        [{"role": "user", "content": "hi"}]))
    assert received == ["a"]
    assert type(error) is ResponseFormatError
    assert "line longer than" in str(error)
