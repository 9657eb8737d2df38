"""Piece decoders: each protocol's frames to the answer's text pieces, under every split."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from providers.events import PieceEvent, TextPiece
from providers.pieces import (
    ChatCompletionPieces,
    FlowEventPieces,
    PieceDecoder,
    PlainTextPieces,
    ReportedError,
)
from providers.streams import DecodeError
from tests.fakes.providers import Answer, frame
from tests.providers import chunked, splits

SSE_SAMPLE = (
    'data: {"choices": [{"index": 0, "delta": {"role": "assistant"}}]}\n\n'
    'data: {"choices": [{"index": 0, "delta": {"content": "При"}}]}\n\n'
    'data: {"choices": [{"index": 0, "delta": {"content": null}}]}\n\n'
    'data: {"choices": [{"index": 0, "delta": {"content": ""}}]}\n\n'
    'data: {"choices": [{"index": 0, "delta": {"content": "вет 😀"}}]}\n\n'
    'data: {"choices": [], "usage": {"total_tokens": 3}}\n\n'
    'data: {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}\n\n'
    "data: [DONE]\n\n"
).encode()
FLOW_SAMPLE = (
    '{"event": "start"}\r\n'
    '{"event": "text", "data": "При"}\r\n'
    '{"event": "text", "data": ""}\r\n'
    "\r\n"
    '{"event": "text", "data": "вет 😀"}\r\n'
    '{"event": "done", "data": {"tokens": 3}}'
).encode()
ANSWER = "Привет 😀"
DECODERS: dict[str, Callable[[], PieceDecoder]] = {
    "vitalentum": ChatCompletionPieces, "flowgpt": FlowEventPieces, "ai365vip": PlainTextPieces,
}


def events_of(decoder: PieceDecoder, chunks: list[bytes]) -> list[PieceEvent]:
    """All events a decoder yields for ``chunks``, stopping at its end marker."""
    out: list[PieceEvent] = []
    for chunk in chunks:
        out.extend(decoder.feed(chunk))
        if decoder.done:
            break
    out.extend(decoder.close())
    return out


def pieces_of(decoder: PieceDecoder, chunks: list[bytes]) -> list[str]:
    """The text of every event a decoder yields for ``chunks`` (all of them text pieces)."""
    events = events_of(decoder, chunks)
    assert all(isinstance(e, TextPiece) for e in events), events
    return [e.text for e in events if isinstance(e, TextPiece)]


@pytest.mark.parametrize(("make", "sample"), [
    (ChatCompletionPieces, SSE_SAMPLE),
    (FlowEventPieces, FLOW_SAMPLE),
    (PlainTextPieces, ANSWER.encode()),
])
def test_every_split_assembles_the_text_without_empty_pieces(
    make: Callable[[], PieceDecoder], sample: bytes
) -> None:
    for chunks in splits(sample):
        pieces = pieces_of(make(), chunks)
        assert "".join(pieces) == ANSWER
        assert all(pieces), pieces
        assert "\ufffd" not in "".join(pieces)


def test_chat_completion_frames_are_pieces() -> None:
    assert pieces_of(ChatCompletionPieces(), [SSE_SAMPLE]) == ["При", "вет 😀"]


def test_chat_completion_done_stops_the_stream() -> None:
    decoder = ChatCompletionPieces()
    assert list(decoder.feed(b'data: {"choices": [{"delta": {"content": "a"}}]}\n\n')) == [
        TextPiece("a")]
    assert not decoder.done
    assert list(decoder.feed(b"data: [DONE]\n\n")) == []
    assert decoder.done


@pytest.mark.parametrize(("event", "match"), [
    (b'"just a string"', "not an object"),
    (b'{"id": "x"}', "no 'choices' list"),
    (b'{"choices": [{"delta": "text"}]}', "'delta' is not an object"),
    (b'{"choices": ["text"]}', "choice is not an object"),
    (b'{"choices": [{"delta": {"content": 5}}]}', "not a string"),
])
def test_chat_completion_wrong_shapes_are_decode_errors(event: bytes, match: str) -> None:
    with pytest.raises(DecodeError, match=match):
        list(ChatCompletionPieces().feed(b"data: " + event + b"\n\n"))


@pytest.mark.parametrize("event", [
    b'{"error": {"message": "model overloaded", "type": "server_error"}}',
    b'{"error": "model overloaded"}',
])
def test_chat_completion_error_event_is_reported(event: bytes) -> None:
    # The seed protocols share the reading of chunks: an error object is never text.
    with pytest.raises(ReportedError, match="model overloaded"):
        list(ChatCompletionPieces().feed(b"data: " + event + b"\n\n"))


def test_flow_events_only_text_events_carry_pieces() -> None:
    assert pieces_of(FlowEventPieces(), [FLOW_SAMPLE]) == ["При", "вет 😀"]
    assert FlowEventPieces().done is False  # no end marker: read to the end of the body


@pytest.mark.parametrize(("line", "match"), [
    (b"[1, 2]", "not an object"),
    (b'{"event": "text"}', "no string 'data'"),
    (b'{"event": "text", "data": 7}', "no string 'data'"),
    (b"not json", "not JSON"),
])
def test_flow_events_wrong_shapes_are_decode_errors(line: bytes, match: str) -> None:
    with pytest.raises(DecodeError, match=match):
        list(FlowEventPieces().feed(line + b"\n"))


def test_plain_text_holds_a_split_character_back() -> None:
    decoder = PlainTextPieces()
    assert list(decoder.feed("é".encode()[:1])) == []
    assert list(decoder.feed("é".encode()[1:])) == [TextPiece("é")]
    assert list(decoder.close()) == []


@settings(database=None, deadline=None, max_examples=150)
@given(
    text=st.text(st.characters(codec="utf-8"), max_size=30),
    provider=st.sampled_from(["vitalentum", "flowgpt", "ai365vip"]),
    piece_size=st.integers(1, 5),
    newline=st.sampled_from(["\n", "\r\n"]),
    final_newline=st.booleans(),
    sse_space=st.booleans(),
    sse_separators=st.booleans(),
    data=st.data(),
)
def test_any_framing_and_chunking_round_trips(
    text: str, provider: str, piece_size: int, newline: str, final_newline: bool,
    sse_space: bool, sse_separators: bool, data: st.DataObject,
) -> None:
    answer = Answer(text, piece_size=piece_size, newline=newline, final_newline=final_newline,
                    sse_space=sse_space, sse_separators=sse_separators)
    body = frame(provider, text, answer)
    decoder = DECODERS[provider]()
    pieces = pieces_of(decoder, data.draw(chunked(body)))
    assert "".join(pieces) == text
    assert all(pieces)
