"""Every provider streaming through a real local server that writes awkward chunks."""

from __future__ import annotations

import json

import pytest

from tests.fakes.providers import (
    PROVIDERS,
    Answer,
    FakeProviderServer,
    awkward,
    bytewise,
    every,
    last_user_text,
    whole,
)
from tests.providers import collect
from tests.providers.conftest import ProviderFactory

TEXT = "Привет, мир! 😀 Ünïcödé\nline two\r\n\"quoted\" {braces} data: [DONE]"
FRAMED = ("vitalentum", "codelinkava", "flowgpt", "openai")  # one piece per protocol frame
SSE = ("vitalentum", "codelinkava", "openai")

DELIVERIES = {
    "awkward": Answer(TEXT, chunks=awkward),
    "bytewise": Answer(TEXT, chunks=bytewise),
    "whole": Answer(TEXT, chunks=whole),
    "every-5": Answer(TEXT, chunks=every(5), piece_size=1),
    "crlf": Answer(TEXT, newline="\r\n"),
    "crlf-bytewise": Answer(TEXT, newline="\r\n", chunks=bytewise),
    "no-final-newline": Answer(TEXT, final_newline=False),
    "crlf-no-final-newline": Answer(TEXT, newline="\r\n", final_newline=False, chunks=bytewise),
    "big-frames": Answer(TEXT, piece_size=1000),
}


@pytest.mark.parametrize("delivery", DELIVERIES)
@pytest.mark.parametrize("name", PROVIDERS)
async def test_text_is_assembled_exactly(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str, delivery: str
) -> None:
    answer = DELIVERIES[delivery]
    server.script(name, answer)
    pieces = await collect(make_provider(name).stream([{"role": "user", "content": "hi"}]))
    assert "".join(pieces) == TEXT
    assert all(pieces)
    if name in FRAMED:
        size = answer.piece_size
        assert pieces == [TEXT[i:i + size] for i in range(0, len(TEXT), size)]
    assert len(server.requests_for(name)) == 1


@pytest.mark.parametrize("variant", [
    Answer(TEXT, sse_space=False),
    Answer(TEXT, sse_separators=False, chunks=bytewise),
    Answer(TEXT, end_marker=False),
    Answer(TEXT, end_marker=False, final_newline=False, newline="\r\n"),
], ids=["no-space", "no-blank-separators", "no-done", "no-done-no-final-newline"])
@pytest.mark.parametrize("name", SSE)
async def test_sse_variants(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str, variant: Answer
) -> None:
    server.script(name, variant)
    pieces = await collect(make_provider(name).stream([{"role": "user", "content": "hi"}]))
    assert "".join(pieces) == TEXT


@pytest.mark.parametrize("name", PROVIDERS)
async def test_callable_answer_echoes_the_last_user_message(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, lambda body: f"echo: {last_user_text(body)}")
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "first question"},
        {"role": "assistant", "content": "first answer"},
        {"role": "user", "content": "Сколько будет 2+2?"},
    ]
    pieces = await collect(make_provider(name).stream(messages))
    assert "".join(pieces) == "echo: Сколько будет 2+2?"


@pytest.mark.parametrize("name", PROVIDERS)
async def test_wire_request_is_json_with_keys_in_order(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, "ok")
    await collect(make_provider(name).stream([{"role": "user", "content": "hi"}]))
    (record,) = server.requests_for(name)
    assert record.method == "POST"
    assert record.headers.getall("Content-Type") == ["application/json"]
    order = {
        "vitalentum": ["conversation", "temperature"],
        "ai365vip": ["model", "messages", "key", "prompt", "temperature"],
        "codelinkava": ["messages", "temperature", "stream"],
        "flowgpt": ["model", "nsfw", "question", "history", "system", "temperature", "promptId",
                    "documentIds", "chatFileDocumentIds", "generateImage", "generateAudio"],
        "openai": ["model", "messages", "stream", "stream_options"],
    }[name]
    assert list(json.loads(record.body)) == order


@pytest.mark.parametrize("name", PROVIDERS)
async def test_stopping_early_releases_the_connection(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, Answer("x" * 600, chunks=every(200), hold_after=1))
    pieces = make_provider(name).stream([{"role": "user", "content": "hi"}])
    assert await anext(pieces)
    await pieces.aclose()
    (record,) = server.requests_for(name)
    await record.finished.wait()
    assert record.outcome == "disconnected"
