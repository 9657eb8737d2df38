"""Model resolution: defaults, aliases, lists, refusals before any request, and discovery."""

from __future__ import annotations

import pytest

from providers.ai365vip import AI365VIP
from providers.errors import AccessDenied, ModelNotSupported, ResponseFormatError
from providers.events import Started
from providers.fallback import Attempt, FallbackStream
from providers.flowgpt import FlowGpt
from providers.openai import OpenAICompatible
from tests.fakes.providers import Failure, FakeProviderServer, Raw
from tests.providers import collect, collect_events
from tests.providers.conftest import ProviderFactory

HI = [{"role": "user", "content": "hi"}]
FLOWGPT_MODELS = (
    "gpt-3.5-turbo", "gpt-3.5-long", "gpt-4-turbo", "google-gemini", "claude-instant",
    "claude-v1", "claude-v2", "llama2-13b", "mythalion-13b", "pygmalion-13b",
    "chronos-hermes-13b", "Mixtral-8x7B", "Dolphin-2.6-8x7B",
)


def test_seed_model_attributes() -> None:
    assert AI365VIP.default_model == "gpt-3.5-turbo"
    assert AI365VIP.models == ("gpt-3.5-turbo", "gpt-3.5-turbo-16k", "gpt-4o")
    assert dict(AI365VIP.model_aliases) == {"gpt-3.5-turbo": "gpt-3.5-turbo-16k"}
    assert FlowGpt.default_model == "gpt-3.5-turbo"
    assert FlowGpt.models == FLOWGPT_MODELS
    assert dict(FlowGpt.model_aliases) == {"gemini": "google-gemini",
                                           "gemini-pro": "google-gemini"}


@pytest.mark.parametrize(("name", "asked", "resolved"), [
    ("flowgpt", None, "gpt-3.5-turbo"),
    ("flowgpt", "", "gpt-3.5-turbo"),
    ("flowgpt", "gemini", "google-gemini"),
    ("flowgpt", "gemini-pro", "google-gemini"),
    ("flowgpt", " claude-v2 ", "claude-v2"),
    ("flowgpt", "Mixtral-8x7B", "Mixtral-8x7B"),
    ("ai365vip", None, "gpt-3.5-turbo"),
    ("ai365vip", "gpt-3.5-turbo", "gpt-3.5-turbo-16k"),
    ("ai365vip", "gpt-4o", "gpt-4o"),
    ("vitalentum", None, "gpt-3.5-turbo"),
    ("vitalentum", "anything-at-all", "anything-at-all"),
    ("codelinkava", "", "gpt-3.5-turbo"),
    ("codelinkava", "gpt-4", "gpt-4"),
    ("openai", None, "fake-model-a"),
    ("openai", "fake-model-b", "fake-model-b"),
])
def test_get_model(
    make_provider: ProviderFactory, name: str, asked: str | None, resolved: str
) -> None:
    assert make_provider(name).get_model(asked) == resolved


@pytest.mark.parametrize(("name", "asked", "valid"), [
    ("flowgpt", "gpt-4o", FLOWGPT_MODELS),
    ("ai365vip", "claude-v2", AI365VIP.models),
    ("ai365vip", "GPT-4O", AI365VIP.models),  # names are exact
    ("openai", "gpt-9", ("fake-model-a", "fake-model-b")),
])
async def test_unknown_model_is_refused_before_any_request(
    server: FakeProviderServer, make_provider: ProviderFactory,
    name: str, asked: str, valid: tuple[str, ...],
) -> None:
    server.script(name, "should never be asked")
    with pytest.raises(ModelNotSupported) as info:
        make_provider(name).stream(HI, model=asked)
    error = info.value
    assert error.provider == name
    assert error.model == asked
    assert error.valid == valid
    assert str(error) == (
        f"{name}: model {asked!r} is not supported; valid models: {', '.join(valid)}")
    assert server.requests == []


async def test_openai_without_a_list_accepts_any_name_and_lets_the_server_judge(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", "fine")
    provider = make_provider("openai", models=())
    assert "".join(await collect(provider.stream(HI, model="llama3:8b"))) == "fine"
    assert server.requests[0].json["model"] == "llama3:8b"
    with pytest.raises(ModelNotSupported, match=r"valid models: \(none configured\)"):
        provider.stream(HI)  # no default without a list


async def test_openai_discovers_models_from_the_server(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.models = ["zeta", "alpha", "llama3:8b"]
    provider = make_provider("openai", models=(), api_key="sk-test")
    assert isinstance(provider, OpenAICompatible)
    assert await provider.discover_models() == ("alpha", "llama3:8b", "zeta")
    assert provider.default_model == "alpha"
    assert provider.get_model(None) == "alpha"
    with pytest.raises(ModelNotSupported):
        provider.get_model("gpt-4o")
    (request,) = server.requests
    assert (request.method, request.path) == ("GET", "/openai/models")
    assert request.headers["Authorization"] == "Bearer sk-test"
    await provider.discover_models()
    assert len(server.requests) == 1  # known now: not asked again


async def test_configured_models_are_never_rediscovered(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    provider = make_provider("openai", models=("mine",))
    assert isinstance(provider, OpenAICompatible)
    assert await provider.discover_models() == ("mine",)
    assert server.requests == []


@pytest.mark.parametrize(("reply", "kind", "text"), [
    (Failure(401, '{"error": {"message": "bad key"}}'), AccessDenied, "HTTP 401: bad key"),
    (Raw([b"<html>not json</html>"], content_type="text/html"), ResponseFormatError,
     "did not answer JSON"),
    (Raw([b'{"models": ["a"]}'], content_type="application/json"), ResponseFormatError,
     "/models did not list models"),
])
async def test_failed_discovery(
    server: FakeProviderServer, make_provider: ProviderFactory,
    reply: Failure | Raw, kind: type[Exception], text: str,
) -> None:
    server.models = reply
    provider = make_provider("openai", models=())
    assert isinstance(provider, OpenAICompatible)
    with pytest.raises(kind, match=text):
        await provider.discover_models()
    with pytest.raises(kind, match=text):
        await provider.prepare()  # what the bot and the CLI call before first use
    assert provider.models == ()
    assert provider.accepts_any_model


async def test_fallback_asks_for_the_default_model_when_none_is_given(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("ai365vip", "ok")
    provider = make_provider("ai365vip")
    events = await collect_events(FallbackStream([Attempt(provider)], HI))
    # The default is "gpt-3.5-turbo", which is also an alias: resolved once, it stays itself.
    assert events[0] == Started("ai365vip", "gpt-3.5-turbo")
    assert server.requests[0].json["model"]["id"] == "gpt-3.5-turbo"
    await collect(provider.stream(HI))
    assert server.requests[1].json["model"]["id"] == "gpt-3.5-turbo"  # the same without fallback


async def test_fallback_resolves_an_alias_once(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("flowgpt", "ok")
    events = await collect_events(
        FallbackStream([Attempt(make_provider("flowgpt"), "gemini")], HI))
    assert events[0] == Started("flowgpt", "google-gemini")
    assert server.requests[0].json["model"] == "google-gemini"


async def test_an_unknown_model_in_a_fallback_is_one_clear_error(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("flowgpt", "never asked")
    stream = FallbackStream([Attempt(make_provider("flowgpt"), "gpt-9")], HI)
    with pytest.raises(ModelNotSupported) as info:
        await collect_events(stream)
    assert str(info.value) == (
        f"flowgpt: model 'gpt-9' is not supported; valid models: {', '.join(FLOWGPT_MODELS)}")
    assert stream.failures == [info.value]
    assert server.requests == []
