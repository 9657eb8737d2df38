"""The fake server's OpenAI-compatible endpoints and the quirks it can script."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from tests.fakes.providers import (
    Answer,
    Failure,
    FakeProviderServer,
    Raw,
    RejectsStreamOptions,
    frame,
    last_user_text,
    whole,
)


def events(body: bytes) -> list[Any]:
    """The JSON payloads of an SSE body (``[DONE]`` as the string)."""
    out: list[Any] = []
    for line in body.decode().splitlines():
        if line.startswith("data: "):
            payload = line[6:]
            out.append(payload if payload == "[DONE]" else json.loads(payload))
    return out


def deltas(body: bytes) -> list[dict[str, Any]]:
    """The ``delta`` of every chunk that has a choice."""
    return [e["choices"][0]["delta"] for e in events(body)
            if isinstance(e, dict) and e.get("choices") and "delta" in e["choices"][0]]


async def test_any_endpoint_name_is_openai_compatible(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script("ollama", Answer("from ollama", chunks=whole))
    server.script_models("ollama", ["llama3"])
    async with session.post(server.url_for("ollama") + "/chat/completions",
                            json={"messages": []}) as response:
        assert response.content_type == "text/event-stream"
        body = await response.read()
    assert body == frame("ollama", "from ollama", Answer("from ollama"))
    async with session.get(server.url_for("ollama") + "/models") as response:
        assert [m["id"] for m in (await response.json())["data"]] == ["llama3"]
    async with session.get(server.url_for("groq") + "/models") as response:
        assert [m["id"] for m in (await response.json())["data"]] == ["fake-model-a",
                                                                      "fake-model-b"]
    assert [(r.provider, r.kind) for r in server.requests] == [
        ("ollama", "chat"), ("ollama", "models"), ("groq", "models")]
    assert server.env("ollama") == {"OLLAMA_BASE_URL": server.base_url + "/ollama"}


async def test_root_paths_still_belong_to_the_protocols(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script("openai", "root")
    async with session.post(server.base_url + "/chat/completions", json={}) as response:
        assert response.status == 200
    async with session.get(server.base_url + "/v9/unknown") as response:
        assert response.status == 404
    assert [r.provider for r in server.requests] == ["openai", None]


@pytest.mark.parametrize(("style", "content"), [
    ("think", "<think>Hm.</think>\n\n42"),
    ("think_unopened", "Hm.</think>\n\n42"),
])
def test_inline_reasoning_is_content(style: Any, content: str) -> None:
    answer = Answer("42", reasoning="Hm.", reasoning_style=style, piece_size=2)
    pieces = [d["content"] for d in deltas(frame("openai", "42", answer)) if "content" in d]
    assert "".join(pieces) == content
    assert pieces[0] == content[:2]  # the tags are split across pieces


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_reasoning_fields_come_before_the_content(field: Any) -> None:
    body = frame("openai", "42", Answer("42", reasoning="abcd", reasoning_style=field,
                                         piece_size=2))
    assert deltas(body)[1:4] == [{field: "ab"}, {field: "cd"}, {"content": "42"}]


def test_error_after_pieces_in_each_style() -> None:
    shaped = {style: events(frame("openai", "abcdef", Answer(
        "abcdef", piece_size=2, error_after=2, error="overloaded", error_style=style)))
        for style in ("object", "choices", "finish")}
    for body in shaped.values():
        assert [d["delta"]["content"] for e in body[1:3] for d in e["choices"]] == ["ab", "cd"]
        assert body[-1] == "[DONE]"
    assert shaped["object"][-2] == {"error": {"message": "overloaded", "code": 502}}
    assert shaped["choices"][-2]["error"]["message"] == "overloaded"
    assert shaped["choices"][-2]["choices"][0]["finish_reason"] == "error"
    assert "error" not in shaped["finish"][-2]
    assert shaped["finish"][-2]["choices"][0]["finish_reason"] == "error"


def test_usage_styles_and_finish_reasons() -> None:
    final = events(frame("openai", "hi", Answer("hi", usage=(12, 3), finish_reason="length")))
    assert final[-3]["choices"][0]["finish_reason"] == "length"
    assert final[-2] == {"choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 3,
                                                 "total_tokens": 15}}
    every = events(frame("openai", "hi", Answer("hi", usage=(12, 3), usage_style="every")))
    assert all("usage" in e for e in every[:-1])
    assert every[-2]["usage"]["completion_tokens"] == 3
    choice = events(frame("openai", "hi", Answer("hi", usage=(1, 2), usage_style="choice")))
    assert choice[-2]["choices"][0]["usage"]["completion_tokens"] == 2
    assert events(frame("openai", "hi", Answer("hi", finish_reason=None)))[-2] == {
        "choices": [{"index": 0, "delta": {"content": "hi"}}]}


def test_comments_precede_every_frame() -> None:
    body = frame("openai", "ab", Answer("ab", comment=": ping", piece_size=1)).decode()
    assert body.count(": ping\n\n") == 4  # before role, "a", "b" and finish; not [DONE]
    assert body.startswith(": ping\n\ndata: ")


async def test_non_streaming_body(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script("openai", Answer("whole", streaming=False, reasoning="r", usage=(1, 1)))
    async with session.post(server.url_for("openai") + "/chat/completions") as response:
        assert response.content_type == "application/json"
        body = await response.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "whole",
                                             "reasoning_content": "r"}
    assert body["usage"]["total_tokens"] == 2


async def test_stream_options_rejected_while_carried(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script("gemini", RejectsStreamOptions("fine"))
    url = server.url_for("gemini") + "/chat/completions"
    async with session.post(url, json={"stream_options": {"include_usage": True}}) as response:
        assert response.status == 400
        assert "stream_options" in await response.text()
    async with session.post(url, json={"stream": True}) as response:
        assert response.status == 200


async def test_keepalives_while_holding(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    release = asyncio.Event()
    server.script("openai", Answer("x", hold_after=0, release=release,
                                   keepalive=b": ping\n\n", keepalive_every=0.01))
    async with session.post(server.url_for("openai") + "/chat/completions") as response:
        first = await response.content.readuntil(b"\n\n")
        second = await response.content.readuntil(b"\n\n")
        release.set()
        rest = await response.read()
    assert first == second == b": ping\n\n"
    assert b'"content": "x"' in rest


async def test_transcriptions_record_the_form(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script_transcription("groq", "hello there", Failure(500, "boom"))
    url = server.url_for("groq") + "/audio/transcriptions"
    results = []
    for _ in range(3):
        form = aiohttp.FormData()
        form.add_field("file", b"OggS\x00audio", filename="voice.ogg", content_type="audio/ogg")
        form.add_field("model", "whisper-large-v3")
        async with session.post(url, data=form) as response:
            results.append((response.status, await response.text()))
    assert results == [(200, '{"text": "hello there"}'), (500, "boom"), (500, "boom")]
    record = server.requests_for("groq", "transcription")[0]
    assert record.form is not None
    assert record.form["file"].value == b"OggS\x00audio"
    assert (record.form["file"].filename, record.form["file"].content_type) == (
        "voice.ogg", "audio/ogg")
    assert record.form["model"].text == "whisper-large-v3"
    server.script_transcription("groq", Raw([b"not json"], content_type="text/plain"))
    async with session.post(url, data={"model": "m"}) as response:
        assert await response.text() == "not json"


async def test_unscripted_transcription(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    async with session.post(server.url_for("openai") + "/audio/transcriptions") as response:
        assert response.status == 501


def test_last_user_text_of_content_parts() -> None:
    body = {"messages": [{"role": "user", "content": [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}}]}]}
    assert last_user_text(body) == "What is this?"
