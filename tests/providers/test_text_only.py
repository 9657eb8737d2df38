"""Callers that want only the answer's text get exactly that, and abandoning it hangs up."""

from __future__ import annotations

import asyncio
import gc

import pytest

from providers import OpenAICompatible, Vitalentum
from providers.events import TextPiece
from tests.fakes.providers import Answer, FakeProviderServer, every
from tests.providers.conftest import ProviderFactory

HI = [{"role": "user", "content": "hi"}]
ANSWERS = [
    Answer("The answer.", reasoning="Thinking hard.", usage=(9, 4), finish_reason="length"),
    Answer("The answer.", reasoning="Thinking.", reasoning_style="think", usage=(9, 4),
           usage_style="every"),
    Answer("The answer.", reasoning="Hm.", reasoning_style="reasoning", usage=(9, 4),
           streaming=False),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=["fields", "think", "document"])
async def test_stream_gives_only_answer_text(
    server: FakeProviderServer, make_provider: ProviderFactory, answer: Answer
) -> None:
    server.script("openai", answer)
    pieces = [piece async for piece in make_provider("openai").stream(HI)]
    assert all(type(piece) is str for piece in pieces)
    assert "".join(pieces) == "The answer."


@pytest.mark.parametrize("answer", ANSWERS, ids=["fields", "think", "document"])
async def test_the_one_call_api_gives_only_answer_text(
    server: FakeProviderServer, monkeypatch: pytest.MonkeyPatch, answer: Answer
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.url_for("openai"))
    monkeypatch.setenv("OPENAI_MODELS", "fake-model-a")
    server.script("openai", answer)
    pieces = [piece async for piece in OpenAICompatible.create_async_generator("", HI)]
    assert all(type(piece) is str for piece in pieces)
    assert "".join(pieces) == "The answer."
    awaited = await OpenAICompatible.create_async_generator("fake-model-a", HI)
    assert "".join([piece async for piece in awaited]) == "The answer."


async def test_an_abandoned_stream_hangs_up(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Answer("x" * 600, chunks=every(200), hold_after=2))
    async for piece in make_provider("openai").stream(HI):
        assert piece
        break  # neither closed nor read to its end
    gc.collect()
    (record,) = server.requests
    await asyncio.wait_for(record.finished.wait(), 5)
    assert record.outcome == "disconnected"


async def test_an_abandoned_one_call_stream_hangs_up(
    server: FakeProviderServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VITALENTUM_BASE_URL", server.url_for("vitalentum"))
    server.script("vitalentum", Answer("x" * 600, chunks=every(200), hold_after=2))
    async for piece in Vitalentum.create_async_generator("gpt-3.5-turbo", HI):
        assert piece
        break
    gc.collect()
    (record,) = server.requests
    await asyncio.wait_for(record.finished.wait(), 5)
    assert record.outcome == "disconnected"


async def test_an_abandoned_event_stream_hangs_up(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Answer("x" * 600, chunks=every(200), hold_after=2))
    async for event in make_provider("openai").events(HI):
        assert isinstance(event, TextPiece)
        break
    gc.collect()
    (record,) = server.requests
    await asyncio.wait_for(record.finished.wait(), 5)
    assert record.outcome == "disconnected"
