"""The incremental decoders of ``providers.streams``, fed every possible chunk split."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from providers.streams import (
    DONE,
    DecodeError,
    LineDecoder,
    NDJsonDecoder,
    SSEJsonDecoder,
    Utf8Decoder,
)
from tests.providers import chunked, splits


class Decoder(Protocol):
    """What every decoder here offers."""

    def feed(self, chunk: bytes) -> Any:
        """Decode a chunk."""

    def close(self) -> Any:
        """Flush the end."""


def run(decoder: Decoder, chunks: Sequence[bytes], out: list[Any] | None = None) -> list[Any]:
    """Feed ``chunks`` one by one, then close; everything decoded, in order (also in ``out``)."""
    out = [] if out is None else out
    for chunk in chunks:
        out.extend(decoder.feed(chunk))
    out.extend(decoder.close())
    return out


def run_text(chunks: Sequence[bytes]) -> str:
    """Text decoded from ``chunks`` by a :class:`Utf8Decoder`."""
    decoder = Utf8Decoder()
    return "".join(decoder.feed(c) for c in chunks) + decoder.close()


def assert_every_split(make: Callable[[], Decoder], data: bytes, expected: list[Any]) -> None:
    """Every way of cutting ``data`` decodes to ``expected``."""
    for chunks in splits(data):
        assert run(make(), chunks) == expected, chunks


# --- UTF-8 -------------------------------------------------------------------------------

MULTIBYTE = "aé€😀 Привет"


def test_utf8_every_split_inside_characters() -> None:
    data = MULTIBYTE.encode()
    for chunks in splits(data):
        assert run_text(chunks) == MULTIBYTE


def test_utf8_holds_back_a_partial_character() -> None:
    decoder = Utf8Decoder()
    assert decoder.feed("€".encode()[:2]) == ""
    assert decoder.feed("€".encode()[2:]) == "€"


def test_utf8_truncated_character_at_the_end_becomes_replacement() -> None:
    assert run_text([b"ok", "€".encode()[:2]]) == "ok\ufffd"


def test_utf8_invalid_byte_costs_one_character_not_the_stream() -> None:
    assert run_text([b"a\xffb"]) == "a\ufffdb"


# --- lines -------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "lines"), [
    (b"a\nb\n", ["a", "b"]),
    (b"a\r\nb\r\n", ["a", "b"]),
    (b"a\rb\r", ["a", "b"]),
    (b"a\r\nb\rc\nd", ["a", "b", "c", "d"]),
    (b"a\n\nb", ["a", "", "b"]),
    (b"a\r\n\r\nb", ["a", "", "b"]),
    (b"last line without newline", ["last line without newline"]),
    ("Привет\r\nмир".encode(), ["Привет", "мир"]),
    (b"", []),
])
def test_lines_every_split(data: bytes, lines: list[str]) -> None:
    assert_every_split(LineDecoder, data, lines)


def test_cr_at_the_end_of_a_chunk_waits_for_a_possible_lf() -> None:
    decoder = LineDecoder()
    assert decoder.feed(b"one\r") == []
    assert decoder.feed(b"\ntwo\n") == ["one", "two"]


def test_cr_at_the_end_of_the_body_ends_the_line() -> None:
    decoder = LineDecoder()
    assert decoder.feed(b"one\r") == []
    assert decoder.close() == ["one"]


# --- SSE ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "values"), [
    pytest.param(b'data: {"a": 1}\n\ndata: {"b": "\xc3\xa9"}\n\ndata: [DONE]\n\n',
                 [{"a": 1}, {"b": "é"}, DONE], id="standard"),
    pytest.param(b'data:{"a":1}\n\ndata:[DONE]\n\n', [{"a": 1}, DONE], id="no-space"),
    pytest.param(b'data: {"a": 1}\r\n\r\ndata: [DONE]\r\n\r\n', [{"a": 1}, DONE], id="crlf"),
    pytest.param(b'data: {"a": 1}\r\rdata: [DONE]\r\r', [{"a": 1}, DONE], id="cr"),
    pytest.param(b': keep-alive\n\nevent: message\nid: 7\nretry: 100\ndata: {"a": 1}\n\n',
                 [{"a": 1}], id="comments-and-other-fields"),
    pytest.param(b'data: {"a":\ndata: [1,\ndata: 2]}\n\n', [{"a": [1, 2]}], id="multi-line"),
    pytest.param(b'data: {"a": 1}\ndata: {"b": 2}\ndata: [DONE]\n', [{"a": 1}, {"b": 2}, DONE],
                 id="no-blank-separators"),
    pytest.param(b'data: {"a": 1}', [{"a": 1}], id="no-final-newline"),
    pytest.param(b'data: {"a": 1}\n\ndata: [DONE]', [{"a": 1}, DONE], id="done-no-newline"),
    pytest.param(b'data: [DONE]\n\ndata: {"late": true}\n\n', [DONE], id="after-done-ignored"),
    pytest.param(b"retry: 10\n\n\n", [], id="no-data"),
])
def test_sse_every_split(data: bytes, values: list[Any]) -> None:
    assert_every_split(SSEJsonDecoder, data, values)


def test_sse_done_sets_the_flag() -> None:
    decoder = SSEJsonDecoder()
    assert list(decoder.feed(b'data: {"a": 1}\n\n')) == [{"a": 1}]
    assert not decoder.done
    assert list(decoder.feed(b"data: [DONE]\n\n")) == [DONE]
    assert decoder.done


def test_sse_object_is_dispatched_before_its_blank_line() -> None:
    # Servers that never write blank separators must still stream piece by piece.
    assert list(SSEJsonDecoder().feed(b'data: {"a": 1}\n')) == [{"a": 1}]


@pytest.mark.parametrize("data", [
    b"data: not json\n\n",
    b"data: {\"unfinished\": \n\n",
    b"data: {\"unfinished\": ",
])
def test_sse_malformed_payload_is_a_decode_error(data: bytes) -> None:
    for chunks in splits(data):
        with pytest.raises(DecodeError, match="malformed event data"):
            run(SSEJsonDecoder(), chunks)


# --- NDJSON ------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "values"), [
    (b'{"a": 1}\n{"b": 2}\n', [{"a": 1}, {"b": 2}]),
    (b'{"a": 1}\r\n\r\n{"b": 2}\r\n', [{"a": 1}, {"b": 2}]),
    (b'{"a": 1}\n  \n{"b": 2}', [{"a": 1}, {"b": 2}]),
    ('{"t": "Привет 😀"}\n'.encode(), [{"t": "Привет 😀"}]),
    (b"\n\n", []),
])
def test_ndjson_every_split(data: bytes, values: list[Any]) -> None:
    assert_every_split(NDJsonDecoder, data, values)


def test_ndjson_line_that_is_not_json_is_a_decode_error() -> None:
    decoder = NDJsonDecoder()
    assert list(decoder.feed(b'{"a": 1}\n')) == [{"a": 1}]
    with pytest.raises(DecodeError, match="line is not JSON"):
        list(decoder.feed(b"<html>oops</html>\n"))


def test_ndjson_unfinished_last_line_is_a_decode_error() -> None:
    decoder = NDJsonDecoder()
    assert list(decoder.feed(b'{"a": ')) == []
    with pytest.raises(DecodeError):
        list(decoder.close())


# --- properties --------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), max_size=40)


@settings(database=None, deadline=None, max_examples=200)
@given(text=TEXT, data=st.data())
def test_any_chunking_of_utf8_gives_the_same_text(text: str, data: st.DataObject) -> None:
    assert run_text(data.draw(chunked(text.encode()))) == text


@settings(database=None, deadline=None, max_examples=200)
@given(lines=st.lists(st.text(st.characters(codec="utf-8", exclude_characters="\r\n"),
                              max_size=10), min_size=1, max_size=6),
       newline=st.sampled_from(["\n", "\r\n", "\r"]), final=st.booleans(), data=st.data())
def test_any_chunking_of_lines_gives_the_same_lines(
    lines: list[str], newline: str, final: bool, data: st.DataObject
) -> None:
    body = newline.join(lines) + (newline if final else "")
    expected = lines if final or lines[-1] else lines[:-1]
    assert run(LineDecoder(), data.draw(chunked(body.encode()))) == expected


@settings(database=None, deadline=None, max_examples=200)
@given(values=st.lists(st.dictionaries(st.sampled_from("abc"), TEXT, max_size=2), max_size=5),
       space=st.booleans(), newline=st.sampled_from(["\n", "\r\n"]),
       separators=st.booleans(), data=st.data())
def test_any_chunking_of_sse_gives_the_same_events(
    values: list[dict[str, str]], space: bool, newline: str, separators: bool,
    data: st.DataObject,
) -> None:
    prefix = "data: " if space else "data:"
    gap = newline * 2 if separators else newline
    body = "".join(prefix + json.dumps(v, ensure_ascii=False) + gap for v in values)
    assert run(SSEJsonDecoder(), data.draw(chunked(body.encode()))) == values


@pytest.mark.parametrize(("make", "data", "before"), [
    (SSEJsonDecoder, b'data: {"a": 1}\n\ndata: {"b": 2}\n\ndata: nope\n\n',
     [{"a": 1}, {"b": 2}]),
    (NDJsonDecoder, b'{"a": 1}\n{"b": 2}\nnope\n', [{"a": 1}, {"b": 2}]),
])
def test_values_before_a_bad_line_are_delivered_first(
    make: Callable[[], Decoder], data: bytes, before: list[Any]
) -> None:
    # However the body is cut, what precedes the bad line comes out before the error.
    for chunks in splits(data):
        out: list[Any] = []
        with pytest.raises(DecodeError):
            run(make(), chunks, out)
        assert out == before, chunks
