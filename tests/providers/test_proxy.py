"""Proxies are honoured and stay out of request bodies; stray keyword arguments never leak.

The fake server doubles as an HTTP proxy: a request sent through it arrives with
the absolute URL of a host that only the proxy can reach (``*.invalid``), so an
answer at all proves the proxy was used.
"""

from __future__ import annotations

import json

import aiohttp
import aiohttp_socks
import pytest

from providers.errors import ProviderUnavailable
from providers.registry import PROVIDER_CLASSES
from providers.transport import create_session
from tests.fakes.local_server import closed_port
from tests.fakes.providers import CHAT_PATHS, PROVIDERS, FakeProviderServer
from tests.providers import collect, collect_until_error
from tests.providers.conftest import TEST_TIMEOUTS

HI = [{"role": "user", "content": "hi"}]
BODY_KEYS = {
    "vitalentum": ["conversation", "temperature"],
    "ai365vip": ["model", "messages", "key", "prompt", "temperature"],
    "codelinkava": ["messages", "temperature", "stream"],
    "flowgpt": ["model", "nsfw", "question", "history", "system", "temperature", "promptId",
                "documentIds", "chatFileDocumentIds", "generateImage", "generateAudio"],
    "openai": ["model", "messages", "stream", "stream_options"],
}


def unreachable_base(name: str) -> str:
    """A base URL only a proxy can reach (the prefix routes the fake server to ``name``)."""
    return f"http://{name}.invalid/{name}"


@pytest.mark.parametrize("name", PROVIDERS)
async def test_instance_proxy_is_used(
    server: FakeProviderServer, session: aiohttp.ClientSession, name: str
) -> None:
    server.script(name, "through the proxy")
    provider = PROVIDER_CLASSES[name](session, base_url=unreachable_base(name),
                                      proxy=server.base_url, timeouts=TEST_TIMEOUTS)
    pieces = await collect(provider.stream(HI, model="gpt-3.5-turbo"))
    assert "".join(pieces) == "through the proxy"
    (request,) = server.requests
    assert request.url == unreachable_base(name) + CHAT_PATHS[name]
    assert "invalid" not in request.body.decode()


@pytest.mark.parametrize("name", PROVIDERS)
async def test_seed_call_uses_the_proxy_and_sends_only_documented_fields(
    server: FakeProviderServer, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(f"{name.upper()}_BASE_URL", unreachable_base(name))
    server.script(name, "ok")
    cls = PROVIDER_CLASSES[name]
    stream = cls.create_async_generator(
        "gpt-3.5-turbo", HI, proxy=server.base_url,
        stream=True, api_key="sk-leak", web_search=True, max_tokens=5,
    )
    assert "".join([piece async for piece in stream]) == "ok"
    (request,) = server.requests
    assert request.url == unreachable_base(name) + CHAT_PATHS[name]
    assert list(json.loads(request.body)) == BODY_KEYS[name]
    raw = request.body.decode()
    for leaked in ("sk-leak", "web_search", "max_tokens", "invalid", server.base_url):
        assert leaked not in raw
    assert all("sk-leak" not in value for value in request.headers.values())


async def test_socks_proxy_is_used_for_seed_calls(
    server: FakeProviderServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server itself is reachable; a dead SOCKS proxy in between must make it fail.
    monkeypatch.setenv("FLOWGPT_BASE_URL", server.url_for("flowgpt"))
    server.script("flowgpt", "direct")
    port = closed_port()
    stream = PROVIDER_CLASSES["flowgpt"].create_async_generator(
        "gpt-3.5-turbo", HI, proxy=f"socks5://127.0.0.1:{port}")
    received, error = await collect_until_error(stream)
    assert received == []
    assert type(error) is ProviderUnavailable
    assert str(error).startswith("flowgpt: connection failed: ")
    assert isinstance(error.__cause__, aiohttp_socks.ProxyConnectionError)
    assert server.requests == []


async def test_shared_session_proxy(server: FakeProviderServer) -> None:
    server.script("codelinkava", "session-wide proxy")
    async with create_session(server.base_url) as session:
        provider = PROVIDER_CLASSES["codelinkava"](
            session, base_url=unreachable_base("codelinkava"), timeouts=TEST_TIMEOUTS)
        assert "".join(await collect(provider.stream(HI))) == "session-wide proxy"
    assert server.requests[0].url == "http://codelinkava.invalid/codelinkava/api/chat"
