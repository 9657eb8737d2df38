"""Fallback: only before the first piece, never spliced, every failure listed, cancel kept."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from providers.errors import (
    AllProvidersFailed,
    EmptyResponse,
    ModelNotSupported,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
)
from providers.events import Started, StreamEvent, TextPiece
from providers.fallback import Attempt, FallbackStream
from providers.transport import Timeouts
from tests.fakes.providers import Answer, Failure, FakeProviderServer, Hang, Raw, every
from tests.providers import collect, collect_until_error
from tests.providers.conftest import ProviderFactory

HI = [{"role": "user", "content": "hi"}]


def chain(make_provider: ProviderFactory, *names: str, **options: object) -> FallbackStream:
    """A fallback stream over the named providers, in this order, on the fake server."""
    return FallbackStream([Attempt(make_provider(n, **options)) for n in names], HI)


async def test_failure_before_the_first_piece_moves_on(
    server: FakeProviderServer, make_provider: ProviderFactory, caplog: pytest.LogCaptureFixture
) -> None:
    server.script("vitalentum", Failure(503, "down for maintenance"))
    server.script("ai365vip", "second answers")
    stream = chain(make_provider, "vitalentum", "ai365vip")
    with caplog.at_level(logging.WARNING, logger="providers.fallback"):
        assert "".join(await collect(stream)) == "second answers"
    assert stream.answered_by is not None
    assert stream.answered_by.provider.name == "ai365vip"
    (failure,) = stream.failures
    assert isinstance(failure, ProviderUnavailable)
    assert failure.provider == "vitalentum"
    assert "vitalentum: HTTP 503: down for maintenance" in caplog.text


async def test_empty_answer_moves_on(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("flowgpt", Answer(""))
    server.script("codelinkava", "from codelinkava")
    stream = chain(make_provider, "flowgpt", "codelinkava")
    assert "".join(await collect(stream)) == "from codelinkava"
    assert [type(f) for f in stream.failures] == [EmptyResponse]
    assert stream.answered_by is not None
    assert stream.answered_by.provider.name == "codelinkava"


async def test_unsupported_model_moves_on_without_a_request(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("vitalentum", "vitalentum takes any model")
    stream = FallbackStream([Attempt(make_provider("flowgpt"), "gpt-4o"),
                             Attempt(make_provider("vitalentum"), "gpt-4o")], HI)
    assert "".join(await collect(stream)) == "vitalentum takes any model"
    assert [type(f) for f in stream.failures] == [ModelNotSupported]
    assert server.requests_for("flowgpt") == []


async def test_the_attempt_model_and_temperature_are_used(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("flowgpt", "ok")
    stream = FallbackStream([Attempt(make_provider("flowgpt"), "gemini")], HI, temperature=0.2)
    await collect(stream)
    body = server.requests_for("flowgpt")[0].json
    assert (body["model"], body["temperature"]) == ("google-gemini", 0.2)


@pytest.mark.parametrize("failure", ["connection-dropped", "idle-timeout"])
async def test_failure_after_text_is_never_continued_by_another_provider(
    server: FakeProviderServer, make_provider: ProviderFactory, failure: str
) -> None:
    first_text = asyncio.Event()
    if failure == "connection-dropped":
        # Cut only once the client has read text: data still unread when the connection
        # drops is lost with it, and then no text came before the failure at all.
        broken = Answer("a partial answer that breaks " * 20, chunks=every(300), cut_after=1,
                        gates={1: first_text})
    else:
        broken = Answer("a partial answer that stalls " * 20, chunks=every(300), hold_after=1)
    server.script("openai", broken)
    server.script("flowgpt", "SPLICED TEXT")
    stream = chain(make_provider, "openai", "flowgpt", timeouts=Timeouts(connect=5, read=0.5))

    async def noting_text() -> AsyncIterator[StreamEvent]:
        async for event in stream:
            yield event
            if isinstance(event, TextPiece):
                first_text.set()

    received, error = await collect_until_error(noting_text())
    assert received
    text = "".join(received)
    assert "SPLICED" not in text
    assert text == str(broken.text)[:len(text)]
    assert isinstance(error, ProviderUnavailable)  # ProviderTimeout is one too
    assert not isinstance(error, AllProvidersFailed)
    assert error.provider == "openai"
    assert server.requests_for("flowgpt") == []
    assert stream.answered_by is not None
    assert stream.answered_by.provider.name == "openai"


async def test_all_failing_lists_every_provider_and_reason(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("vitalentum", Failure(429, "slow down", headers={"Retry-After": "30"}))
    server.script("ai365vip", Raw([]))
    server.script("flowgpt", Hang())
    stream = FallbackStream([
        Attempt(make_provider("vitalentum")), Attempt(make_provider("ai365vip")),
        Attempt(make_provider("flowgpt", timeouts=Timeouts(connect=5, read=0.2))),
    ], HI)
    received, error = await collect_until_error(stream)
    assert received == []
    assert isinstance(error, AllProvidersFailed)
    assert [type(f) for f in error.failures] == [RateLimited, EmptyResponse, ProviderTimeout]
    assert [f.provider for f in error.failures] == ["vitalentum", "ai365vip", "flowgpt"]
    assert str(error) == (
        "all providers failed: vitalentum: HTTP 429: slow down; "
        "ai365vip: the answer was empty; "
        "flowgpt: no text or reasoning for 0.2 s"
    )
    assert stream.answered_by is None


async def test_a_single_attempt_raises_its_own_error(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Failure(429, "{}", headers={"Retry-After": "5"}))
    received, error = await collect_until_error(chain(make_provider, "openai"))
    assert received == []
    assert type(error) is RateLimited
    assert error.retry_after == 5.0


async def test_no_attempts_at_all() -> None:
    with pytest.raises(AllProvidersFailed, match="no providers configured"):
        await collect(FallbackStream([], HI))


async def test_cancelling_mid_stream_propagates_and_closes_the_connection(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("vitalentum", Answer("x" * 600, chunks=every(200), hold_after=1))
    server.script("ai365vip", "must not be asked")
    stream = chain(make_provider, "vitalentum", "ai365vip")
    received: list[str] = []
    first = asyncio.Event()

    async def consume() -> None:
        async for event in stream:
            if isinstance(event, TextPiece):
                received.append(event.text)
                first.set()

    task = asyncio.create_task(consume())
    await first.wait()
    (record,) = server.requests_for("vitalentum")
    await record.holding.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await record.finished.wait()
    assert record.outcome == "disconnected"
    assert received
    assert server.requests_for("ai365vip") == []


async def test_cancelling_before_the_first_piece_tries_nobody_else(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("flowgpt", Hang())
    server.script("openai", "must not be asked")
    stream = chain(make_provider, "flowgpt", "openai")
    task = asyncio.create_task(collect(stream))
    (record,) = await server.wait_for_requests(1)
    await record.holding.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await record.finished.wait()
    assert record.outcome == "disconnected"
    assert server.requests_for("openai") == []
    assert stream.failures == []


async def test_closing_early_releases_the_provider_stream(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("codelinkava", Answer("y" * 600, chunks=every(200), hold_after=1))
    stream = chain(make_provider, "codelinkava", "vitalentum")
    assert await anext(stream) == Started("codelinkava", "gpt-3.5-turbo")
    assert await anext(stream) == TextPiece("yyy")  # frames of three characters
    await stream.aclose()
    (record,) = server.requests_for("codelinkava")
    await record.finished.wait()
    assert record.outcome == "disconnected"
    assert server.requests_for("vitalentum") == []


def test_all_providers_failed_is_a_provider_error() -> None:
    error = AllProvidersFailed([ProviderUnavailable("down", provider="a")])
    assert isinstance(error, ProviderError)
    assert error.kind == "all_failed"
    assert error.failures[0].provider == "a"
