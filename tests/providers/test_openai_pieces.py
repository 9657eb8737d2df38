"""OpenAI-compatible streams as real servers send them, through the decoder at every split."""

from __future__ import annotations

import json
from typing import Any

import pytest

from providers.chunks import ReportedError
from providers.events import (
    Finish,
    PieceEvent,
    ReasoningPiece,
    ReasoningWithdrawn,
    TextPiece,
    Usage,
)
from providers.pieces import OpenAIPieces
from providers.streams import DecodeError
from tests.providers import splits


def sse(*chunks: Any, done: bool = True) -> bytes:
    """An SSE body of these chunks (dicts as JSON, strings as raw lines)."""
    lines = [c if isinstance(c, str) else "data: " + json.dumps(c, ensure_ascii=False)
             for c in chunks]
    return ("\n\n".join([*lines, *(["data: [DONE]"] if done else [])]) + "\n\n").encode()


def delta(**fields: Any) -> dict[str, Any]:
    """A chunk whose first choice has this delta."""
    return {"choices": [{"index": 0, "delta": fields}]}


def run(body: bytes, chunks: list[bytes] | None = None, **options: Any) -> list[PieceEvent]:
    """Every event of ``body`` (cut into ``chunks``), merged: adjacent pieces of a kind join."""
    decoder = OpenAIPieces(**options)
    events: list[PieceEvent] = []
    for chunk in chunks if chunks is not None else [body]:
        events.extend(decoder.feed(chunk))
        if decoder.done:
            break
    events.extend(decoder.close())
    assert all(e.text for e in events if isinstance(e, TextPiece | ReasoningPiece)), events
    return merge(events)


def merge(events: list[PieceEvent]) -> list[PieceEvent]:
    """Adjacent text (or reasoning) pieces joined into one, so splits compare equal."""
    out: list[PieceEvent] = []
    for event in events:
        last = out[-1] if out else None
        if isinstance(event, TextPiece) and isinstance(last, TextPiece):
            out[-1] = TextPiece(last.text + event.text)
        elif isinstance(event, ReasoningPiece) and isinstance(last, ReasoningPiece):
            out[-1] = ReasoningPiece(last.text + event.text)
        else:
            out.append(event)
    return out


def every_split(body: bytes, expected: list[PieceEvent], **options: Any) -> None:
    """However ``body`` is cut, the merged events are ``expected``."""
    for chunks in splits(body, pairs_up_to=0):
        assert run(body, chunks, **options) == expected, chunks


def feed_all(decoder: OpenAIPieces, chunks: list[bytes], out: list[PieceEvent]) -> None:
    """Feed every chunk and close, collecting events into ``out`` until an error."""
    for chunk in chunks:
        out.extend(decoder.feed(chunk))
    out.extend(decoder.close())


ROLE = delta(role="assistant")
STOP = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_reasoning_fields(field: str) -> None:
    body = sse(ROLE, delta(**{field: "Let me "}), delta(**{field: "think.", "content": None}),
               delta(content="\n\n"), delta(content="42"), STOP)
    # Whitespace that opens the answer right after reasoning is dropped.
    every_split(body, [ReasoningPiece("Let me think."), TextPiece("42"), Finish("stop")])


def test_inline_think_tags_split_at_every_character() -> None:
    content = "<think>Hm, 6*7.</think>\n\nIt is 42."
    for cut in range(len(content) + 1):
        for second in range(cut, len(content) + 1):
            parts = [content[:cut], content[cut:second], content[second:]]
            body = sse(ROLE, *(delta(content=p) for p in parts if p), STOP)
            assert run(body) == [ReasoningPiece("Hm, 6*7."), TextPiece("It is 42."),
                                 Finish("stop")], parts


def test_think_through_the_byte_splits() -> None:
    body = sse(ROLE, delta(content="<th"), delta(content="ink>Привет</thi"),
               delta(content="nk> ok"), STOP)
    every_split(body, [ReasoningPiece("Привет"), TextPiece("ok"), Finish("stop")])


def test_unclosed_think_at_the_start_is_all_reasoning() -> None:
    body = sse(ROLE, delta(content="\n<think>still"), delta(content=" thinking"),
               {"choices": [{"index": 0, "delta": {}, "finish_reason": "length"}]})
    every_split(body, [ReasoningPiece("still thinking"), Finish("length")])


def test_a_lone_close_before_any_answer_makes_what_came_before_reasoning() -> None:
    body = sse(ROLE, delta(content="Thoughts.</think>\n\nAnswer."), STOP)
    every_split(body, [ReasoningPiece("Thoughts."), TextPiece("Answer."), Finish("stop")])


def test_a_late_lone_close_is_dropped_and_reported() -> None:
    heard: list[bool] = []
    body = sse(ROLE, delta(content="Thoughts"), delta(content=" more.</think>\n\nAnswer."), STOP)
    events = run(body, learn=heard.append)
    # The thoughts had gone out as text before "</think>" showed what they were.
    assert events == [TextPiece("Thoughts more.\n\nAnswer."), Finish("stop")]
    assert heard == [True]


def test_a_model_known_to_omit_the_opening_tag_starts_as_reasoning() -> None:
    body = sse(ROLE, delta(content="Thoughts"), delta(content=" more.</think>\n\nAnswer."), STOP)
    every_split(body, [ReasoningPiece("Thoughts more."), TextPiece("Answer."), Finish("stop")],
                thinking=True)


def test_an_expected_thought_that_never_closes_is_the_answer_and_reported() -> None:
    heard: list[bool] = []
    body = sse(ROLE, delta(content="Just"), delta(content=" an answer."), STOP)
    events = run(body, thinking=True, learn=heard.append)
    assert events == [ReasoningPiece("Just an answer."), ReasoningWithdrawn(),
                      TextPiece("Just an answer."), Finish("stop")]
    assert heard == [False]


def test_think_after_the_answer_started_is_text() -> None:
    body = sse(ROLE, delta(content="Use <think> tags"), STOP)
    every_split(body, [TextPiece("Use <think> tags"), Finish("stop")])


@pytest.mark.parametrize("chunk", [
    {"error": {"message": "Provider returned error", "code": 502}},
    {"error": {"message": "Provider returned error", "code": 502},
     "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]},
    {"choices": [{"index": 0, "delta": {}, "error": {"message": "Provider returned error"}}]},
], ids=["alone", "with-choices", "inside-the-choice"])
def test_error_objects_anywhere_after_text(chunk: dict[str, Any]) -> None:
    body = sse(ROLE, delta(content="par"), delta(content="tial"), chunk)
    for chunks in splits(body, pairs_up_to=0):
        received: list[PieceEvent] = []
        with pytest.raises(ReportedError, match=r"^Provider returned error$"):
            feed_all(OpenAIPieces(), chunks, received)
        assert merge(received) == [TextPiece("partial")]


def test_finish_reason_error_without_an_error_object() -> None:
    body = sse(ROLE, {"choices": [{"index": 0, "delta": {}, "finish_reason": "error"}]})
    with pytest.raises(ReportedError, match="the answer ended with an error"):
        run(body)


def test_odd_chunk_shapes_are_not_errors() -> None:
    body = sse(
        {"choices": [], "prompt_filter_results": [{"prompt_index": 0}]},  # Azure
        {"choices": [{"index": 0, "delta": None}]},
        {"choices": [{"index": 0, "finish_reason": None}]},  # no delta at all
        {"choices": [{"index": 0, "message": {"role": "assistant", "content": "A"}}]},
        delta(content="B"),
        ": OPENROUTER PROCESSING",
        {"choices": [{"index": 0, "text": "C"}]},  # legacy completions
        delta(content=""),
        {"usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6}},
        STOP,
    )
    every_split(body, [TextPiece("ABC"), Finish("stop"), Usage(5, 1)])


@pytest.mark.parametrize("reason", ["length", "content_filter", "tool_calls"])
def test_finish_reasons(reason: str) -> None:
    body = sse(ROLE, delta(content="cut"),
               {"choices": [{"index": 0, "delta": {}, "finish_reason": reason}]})
    every_split(body, [TextPiece("cut"), Finish(reason)])


def usage(prompt: int, completion: int) -> dict[str, int]:
    """A usage object."""
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


@pytest.mark.parametrize("body", [
    sse(ROLE, delta(content="hi"), STOP, {"choices": [], "usage": usage(9, 2)}),
    sse({**ROLE, "usage": usage(9, 0)}, {**delta(content="hi"), "usage": usage(9, 1)},
        {**STOP, "usage": usage(9, 2)}),
    sse(ROLE, delta(content="hi"),
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop", "usage": usage(9, 2)}]}),
], ids=["final-chunk", "every-chunk", "inside-the-choice"])
def test_usage_comes_once_at_the_end_with_the_last_values(body: bytes) -> None:
    every_split(body, [TextPiece("hi"), Finish("stop"), Usage(9, 2)])


def test_usage_that_is_not_numbers_is_ignored() -> None:
    body = sse(delta(content="hi"), {"choices": [], "usage": {"prompt_tokens": "9"}})
    assert run(body) == [TextPiece("hi")]


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_a_non_streaming_body(field: str) -> None:
    document = {"id": "chatcmpl-1", "object": "chat.completion", "choices": [{
        "index": 0, "finish_reason": "length",
        "message": {"role": "assistant", "content": "\n\nThe answer.", field: "Thought."}}],
        "usage": usage(7, 3)}
    body = b"  \n" + json.dumps(document, indent=2).encode()
    every_split(body, [ReasoningPiece("Thought."), TextPiece("The answer."), Finish("length"),
                       Usage(7, 3)])


def test_a_non_streaming_body_with_think_tags() -> None:
    document = {"choices": [{"message": {"content": "<think>T</think>\nA"},
                             "finish_reason": "stop"}]}
    assert run(json.dumps(document).encode()) == [ReasoningPiece("T"), TextPiece("A"),
                                                  Finish("stop")]


def test_a_non_streaming_error_body() -> None:
    with pytest.raises(ReportedError, match="quota exceeded"):
        run(b'{"error": {"message": "quota exceeded", "code": 429}}')


def test_a_truncated_non_streaming_body_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="body is not JSON"):
        run(b'{"choices": [{"message": {"content": "cut')
