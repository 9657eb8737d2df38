"""The fake provider server's own contract, which later end-to-end tests rely on."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from tests.fakes.providers import (
    CHAT_PATHS,
    Answer,
    Failure,
    FakeProviderServer,
    awkward,
    by_event,
    every,
    frame,
    last_user_text,
    split_at,
    whole,
)
from tests.providers import collect
from tests.providers.conftest import ProviderFactory


async def post(session: aiohttp.ClientSession, url: str, body: object) -> tuple[int, str]:
    """POST JSON; the status and the whole body."""
    async with session.post(url, json=body) as response:
        return response.status, await response.text()


async def test_routes_by_prefix_and_at_the_root(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script("ai365vip", "plain")
    server.script("codelinkava", Answer("sse", piece_size=10))
    assert await post(session, server.url_for("ai365vip") + "/api/chat", {}) == (200, "plain")
    status, text = await post(session, server.base_url + "/api/chat", {})  # the root owner
    assert (status, text) == (200, frame("codelinkava", "sse", Answer("sse", piece_size=10))
                              .decode())
    assert [r.provider for r in server.requests] == ["ai365vip", "codelinkava"]
    assert [r.path for r in server.requests] == ["/ai365vip/api/chat", "/api/chat"]


async def test_root_api_chat_owner_is_configurable(session: aiohttp.ClientSession) -> None:
    async with FakeProviderServer(root_api_chat="ai365vip") as server:
        server.script("ai365vip", "mine")
        assert await post(session, server.base_url + "/api/chat", {}) == (200, "mine")


async def test_unknown_path_and_unscripted_provider(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    status, text = await post(session, server.base_url + "/v1/nothing", {"a": 1})
    assert status == 404
    assert "no route for /v1/nothing" in text
    status, text = await post(session, server.url_for("flowgpt") + CHAT_PATHS["flowgpt"], {})
    assert status == 501
    assert "nothing scripted for flowgpt" in text
    unknown, unscripted = server.requests
    assert (unknown.provider, unknown.json, unknown.body) == (None, {"a": 1}, b'{"a": 1}')
    assert unscripted.provider == "flowgpt"


async def test_replies_are_served_in_order_and_the_last_repeats(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script("ai365vip", Failure(429, "wait", headers={"Retry-After": "1"}), "one", "two")
    url = server.url_for("ai365vip") + "/api/chat"
    results = [await post(session, url, {}) for _ in range(4)]
    assert results == [(429, "wait"), (200, "one"), (200, "two"), (200, "two")]


async def test_failure_headers_are_sent(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script("openai", Failure(429, "{}", headers={"Retry-After": "9"},
                                    content_type="application/json"))
    async with session.post(server.url_for("openai") + "/chat/completions") as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "9"
        assert response.content_type == "application/json"


def test_script_refuses_bad_names_and_no_replies() -> None:
    for name in ("Bard", "my-llm", "9lives", ""):
        with pytest.raises(ValueError, match="provider or endpoint name"):
            FakeProviderServer().script(name, "hi")
    with pytest.raises(ValueError, match="provider or endpoint name"):
        FakeProviderServer().script("flowgpt")
    with pytest.raises(ValueError, match="provider or endpoint name"):
        FakeProviderServer().script_transcription("groq")


async def test_env_points_providers_at_their_prefixes(server: FakeProviderServer) -> None:
    assert server.env("flowgpt", "openai") == {
        "FLOWGPT_BASE_URL": server.base_url + "/flowgpt",
        "OPENAI_BASE_URL": server.base_url + "/openai",
    }
    assert len(server.env()) == 5
    assert server.base_url.startswith("http://127.0.0.1:")


def test_chunkers() -> None:
    body = "a€\r\nbcdefghij".encode()
    assert whole(body) == [body]
    assert whole(b"") == []
    assert every(4)(b"abcdefghij") == [b"abcd", b"efgh", b"ij"]
    assert split_at(0, 3, 3, 99)(b"abcdef") == [b"abc", b"def"]
    pieces = awkward(body)
    assert b"".join(pieces) == body
    assert pieces[:3] == [b"a\xe2", b"\x82\xac\r", b"\nb"]  # inside "€", between CR and LF


@pytest.mark.parametrize(("body", "text"), [
    ({"question": "q", "history": []}, "q"),
    ({"conversation": json.dumps({"history": [{"speaker": "human", "text": "h1"},
                                              {"speaker": "bot", "text": "b"},
                                              {"speaker": "human", "text": "h2"}]})}, "h2"),
    ({"model": {"id": "x"}, "messages": [{"role": "user", "content": "bare"}]}, "bare"),
    ({"model": {"id": "x"}, "messages": [{"role": "user",
                                          "content": "System: s\nUser: u1\nAssistant: a\n"
                                                     "User: u2\nAssistant:"}]}, "u2"),
    ({"messages": [{"role": "user", "content": "m1"}, {"role": "assistant", "content": "a"}]},
     "m1"),
    ({"messages": []}, ""),
    ("not a dict", ""),
])
def test_last_user_text(body: object, text: str) -> None:
    assert last_user_text(body) == text


async def test_gates_pace_an_answer_chunk_by_chunk(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    gates = {1: asyncio.Event(), 2: asyncio.Event()}
    # One SSE frame per chunk: role chunk, "ab", "cd", finish chunk, [DONE].
    server.script("openai", Answer("abcd", piece_size=2, gates=gates, chunks=by_event))
    pieces = make_provider("openai").stream([{"role": "user", "content": "hi"}])
    first = asyncio.create_task(anext(pieces))
    (record,) = await server.wait_for_requests(1)
    await record.holding.wait()
    assert record.chunks_sent == 1  # only the role chunk: no text yet
    assert not first.done()
    gates[1].set()
    assert await first == "ab"
    await record.holding.wait()
    assert record.chunks_sent == 2
    gates[2].set()
    assert await collect(pieces) == ["cd"]
    assert record.chunks_sent == 5


async def test_requests_of_one_conversation_in_flight_together_are_recorded(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    release = asyncio.Event()
    server.script("openai", Answer("held", hold_after=1, release=release), "quick")
    server.conversation_of = lambda body: body["messages"][0]["content"][:1]
    url = server.url_for("openai") + CHAT_PATHS["openai"]

    def ask(text: str) -> dict[str, object]:
        return {"messages": [{"role": "user", "content": text}]}

    held = asyncio.create_task(post(session, url, ask("a: held")))
    [request] = await server.wait_for_requests(1)
    await asyncio.wait_for(request.holding.wait(), 10)
    await post(session, url, ask("b: another conversation"))
    assert server.overlaps == []
    await post(session, url, ask("a: the same one"))
    assert [(a.json, b.json) for a, b in server.overlaps] == [(ask("a: held"),
                                                               ask("a: the same one"))]
    release.set()
    await held
    await post(session, url, ask("a: after it ended"))
    assert len(server.overlaps) == 1
