"""OpenAI-compatible quirks end to end: provider events and fallback against the fake server."""

from __future__ import annotations

import asyncio

import pytest

from providers.errors import (
    EmptyResponse,
    ModelNotSupported,
    ProviderTimeout,
    StreamError,
)
from providers.events import (
    Finish,
    PieceEvent,
    ReasoningPiece,
    Started,
    StreamEvent,
    TextPiece,
    Usage,
)
from providers.fallback import Attempt, FallbackStream
from providers.openai import OpenAICompatible
from providers.transport import Timeouts
from tests.fakes.providers import (
    Answer,
    FakeProviderServer,
    Raw,
    RejectsStreamOptions,
    by_event,
    linewise,
)
from tests.providers import (
    collect,
    collect_events,
    collect_events_until_error,
    collect_until_error,
)
from tests.providers.conftest import ProviderFactory

HI = [{"role": "user", "content": "hi"}]
SILENCE = Timeouts(connect=5.0, read=0.2)


def joined(events: list[StreamEvent] | list[PieceEvent]) -> list[StreamEvent]:
    """Adjacent pieces of one kind joined, so chunking does not matter."""
    out: list[StreamEvent] = []
    for event in events:
        last = out[-1] if out else None
        if isinstance(event, TextPiece) and isinstance(last, TextPiece):
            out[-1] = TextPiece(last.text + event.text)
        elif isinstance(event, ReasoningPiece) and isinstance(last, ReasoningPiece):
            out[-1] = ReasoningPiece(last.text + event.text)
        else:
            out.append(event)
    return out


@pytest.mark.parametrize("style", ["reasoning_content", "reasoning", "think"])
async def test_reasoning_in_each_form(
    server: FakeProviderServer, make_provider: ProviderFactory, style: str
) -> None:
    server.script("openai", Answer("Сорок два.", reasoning="Шесть на семь…", piece_size=2,
                                   reasoning_style=style))  # type: ignore[arg-type]
    events = await collect_events(make_provider("openai").events(HI))
    assert joined(events) == [ReasoningPiece("Шесть на семь…"), TextPiece("Сорок два."),
                              Finish("stop")]


async def test_stream_still_gives_only_the_text(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Answer("42", reasoning="thinking", reasoning_style="think"))
    assert "".join(await collect(make_provider("openai").stream(HI))) == "42"


async def test_a_template_without_the_opening_tag_is_learnt(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Answer("42", reasoning="Hm.", reasoning_style="think_unopened",
                                   piece_size=2))
    provider = make_provider("openai")
    first = joined(await collect_events(provider.events(HI)))
    assert first == [TextPiece("Hm.\n\n42"), Finish("stop")]  # too late to tell, the first time
    second = joined(await collect_events(provider.events(HI)))
    assert second == [ReasoningPiece("Hm."), TextPiece("42"), Finish("stop")]
    other = joined(await collect_events(provider.events(HI, model="fake-model-b")))
    assert other == first  # learnt for that model only


async def test_an_unclosed_think_ending_the_stream_is_an_empty_answer(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Raw([b'data: {"choices": [{"delta": {"content": "<think>hm"}}]}\n\n',
                                 b'data: {"choices": [{"delta": {}, "finish_reason": "length"}]}'
                                 b"\n\n"]))
    received, error = await collect_events_until_error(make_provider("openai").events(HI))
    assert received == [ReasoningPiece("hm"), Finish("length")]
    assert type(error) is EmptyResponse
    assert str(error) == "openai: the answer was empty (finish reason: length)"


@pytest.mark.parametrize("style", ["object", "choices", "finish"])
async def test_an_error_after_text_interrupts_the_answer(
    server: FakeProviderServer, make_provider: ProviderFactory, style: str
) -> None:
    server.script("openai", Answer("abcdef", piece_size=2, error_after=2, error="overloaded",
                                   error_style=style))  # type: ignore[arg-type]
    server.script("flowgpt", "SPLICED")
    stream = FallbackStream([Attempt(make_provider("openai")), Attempt(make_provider("flowgpt"))],
                            HI)
    received, error = await collect_until_error(stream)
    assert received == ["ab", "cd"]
    assert type(error) is StreamError
    message = "overloaded" if style != "finish" else "the answer ended with an error"
    assert str(error) == f"openai: {message}"
    assert server.requests_for("flowgpt") == []


async def test_an_error_before_text_moves_on_and_reasoning_is_marked(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Answer("never", reasoning="Thinking", error_after=0,
                                   error="upstream timeout"))
    server.script("ollama", Answer("from ollama", piece_size=100))
    first = make_provider("openai")
    second = OpenAICompatible(first.session, name="ollama", base_url=server.url_for("ollama"),
                              models=("llama3",), timeouts=first.timeouts)
    stream = FallbackStream([Attempt(first), Attempt(second)], HI)
    events = joined(await collect_events(stream))
    assert events == [
        Started("openai", "fake-model-a"), ReasoningPiece("Thinking"),
        Started("ollama", "llama3"), TextPiece("from ollama"), Finish("stop"),
    ]
    assert [type(f) for f in stream.failures] == [StreamError]
    assert stream.answered_by is not None
    assert stream.answered_by.provider.name == "ollama"


async def test_reasoning_without_text_is_an_empty_answer_for_fallback(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Answer("", reasoning="Only thoughts"))
    server.script("vitalentum", "text")
    stream = FallbackStream([Attempt(make_provider("openai")),
                             Attempt(make_provider("vitalentum"))], HI)
    assert "".join(await collect(stream)) == "text"
    assert [type(f) for f in stream.failures] == [EmptyResponse]


async def test_odd_shapes_from_a_real_server(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Raw([
        b'data: {"choices": [], "prompt_filter_results": []}\n\n',
        b'data: {"choices": [{"index": 0, "delta": null}]}\n\n',
        b'data: {"choices": [{"index": 0, "finish_reason": null}]}\n\n',
        b'data: {"choices": [{"index": 0, "message": {"content": "Hel"}}]}\n\n',
        b": OPENROUTER PROCESSING\n\n",
        b'data: {"choices": [{"index": 0, "delta": {"content": "lo"}}]}\n\n',
        b'data: {"choices": [{"index": 0, "delta": {}, "finish_reason": "content_filter"}]}\n\n',
        b"data: [DONE]\n\n",
    ]))
    events = await collect_events(make_provider("openai").events(HI))
    assert joined(events) == [TextPiece("Hello"), Finish("content_filter")]


async def test_a_server_that_ignores_streaming(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Answer("Whole answer.", streaming=False, reasoning="why",
                                   usage=(11, 4), finish_reason="length"))
    events = await collect_events(make_provider("openai").events(HI))
    assert events == [ReasoningPiece("why"), TextPiece("Whole answer."), Finish("length"),
                      Usage(11, 4)]


@pytest.mark.parametrize("style", ["final", "every", "choice"])
async def test_usage_is_one_event_at_the_end(
    server: FakeProviderServer, make_provider: ProviderFactory, style: str
) -> None:
    server.script("openai", Answer("counted", usage=(20, 7),
                                   usage_style=style))  # type: ignore[arg-type]
    events = await collect_events(make_provider("openai").events(HI))
    assert joined(events) == [TextPiece("counted"), Finish("stop"), Usage(20, 7)]
    assert server.requests[0].json["stream_options"] == {"include_usage": True}


async def test_stream_options_refused_once_then_never_sent(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", RejectsStreamOptions("fine"))
    provider = make_provider("openai")
    assert "".join(await collect(provider.stream(HI))) == "fine"
    assert "".join(await collect(provider.stream(HI))) == "fine"
    first, retried, later = server.requests_for("openai")
    assert "stream_options" in first.json
    assert "stream_options" not in retried.json
    assert retried.json == {k: v for k, v in first.json.items() if k != "stream_options"}
    assert "stream_options" not in later.json


async def test_max_tokens_is_sent(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", "ok")
    await collect(make_provider("openai").stream(HI, max_tokens=64, temperature=0.5))
    body = server.requests[0].json
    assert list(body) == ["model", "messages", "stream", "stream_options", "temperature",
                          "max_tokens"]
    assert body["max_tokens"] == 64


async def test_keepalives_alone_are_silence(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Answer("never", hold_after=1, keepalive=b": ping\n\n",
                                   keepalive_every=0.02, chunks=linewise))
    received, error = await collect_until_error(make_provider("openai", timeouts=SILENCE)
                                                .stream(HI))
    assert received == []
    assert type(error) is ProviderTimeout
    assert str(error) == "openai: no text or reasoning for 0.2 s"
    (record,) = server.requests
    await record.finished.wait()
    assert record.outcome == "disconnected"
    assert record.chunks_sent == 1  # the role-only line, then keep-alives: not progress


async def test_keepalives_after_text_are_silence_too(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Answer("x" * 600, chunks=linewise, hold_after=4,
                                   keepalive=b": OPENROUTER PROCESSING\n\n",
                                   keepalive_every=0.02))
    received, error = await collect_until_error(
        make_provider("openai", timeouts=Timeouts(connect=5.0, read=0.5)).stream(HI))
    assert received
    assert set("".join(received)) == {"x"}
    assert type(error) is ProviderTimeout


@pytest.mark.parametrize("name", ["vitalentum", "flowgpt", "ai365vip"])
async def test_silence_is_a_failure_for_every_protocol(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, Answer("late", hold_after=0))
    error = (await collect_until_error(make_provider(name, timeouts=SILENCE).stream(HI)))[1]
    assert type(error) is ProviderTimeout


async def test_time_the_consumer_takes_is_not_silence(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    release = asyncio.Event()
    # One SSE frame per write: role, "ab", then "cd" only once released.
    frames = Answer("abcd", piece_size=2, gates={2: release}, chunks=by_event)
    server.script("openai", frames)
    # Under the socket backstop (twice the limit) the connection itself stays up.
    events = make_provider("openai", timeouts=Timeouts(connect=5.0, read=0.3)).events(HI)
    received = [await anext(events)]
    await asyncio.sleep(0.4)  # the consumer is busy past the limit; the server waits for it
    release.set()
    received += [event async for event in events]
    assert joined(received) == [TextPiece("abcd"), Finish("stop")]


@pytest.mark.parametrize("name", ["vitalentum", "codelinkava"])
async def test_seed_protocols_yield_only_text(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, Answer("plain", reasoning="hidden", usage=(3, 1),
                               finish_reason="length"))
    events = await collect_events(make_provider(name).events(HI))
    assert joined(events) == [TextPiece("plain")]


@pytest.mark.parametrize("name", ["vitalentum", "ai365vip", "codelinkava", "flowgpt"])
async def test_seed_bodies_ignore_max_tokens(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, "ok")
    provider = make_provider(name, **({"clock": lambda: 1.0, "nonce": lambda: "n",
                                       "device_id": lambda: "d"} if name == "flowgpt" else {}))
    await collect(provider.stream(HI))
    await collect(provider.stream(HI, max_tokens=10))
    plain, limited = server.requests_for(name)
    assert limited.body == plain.body


async def test_events_refuse_a_bad_model_before_sending(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    with pytest.raises(ModelNotSupported):
        make_provider("flowgpt").events(HI, model="gpt-4o")
    assert server.requests == []


async def test_fallback_passes_max_tokens(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", "ok")
    await collect(FallbackStream([Attempt(make_provider("openai"))], HI, max_tokens=7))
    assert server.requests[0].json["max_tokens"] == 7


async def test_all_failing_after_reasoning(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Answer("", reasoning="hm", error_after=0))
    stream = FallbackStream([Attempt(make_provider("openai"))], HI)
    events, error = await collect_events_until_error(stream)
    assert events == [Started("openai", "fake-model-a"), ReasoningPiece("hm")]
    assert type(error) is StreamError  # a single attempt raises its own error
    assert stream.failures == [error]
