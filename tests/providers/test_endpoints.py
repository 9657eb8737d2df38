"""Several OpenAI-compatible endpoints, each a provider of its own, beside the seeds."""

from __future__ import annotations

import aiohttp
import pytest

from providers import BUILTIN_PROTOCOLS, is_builtin
from providers.fallback import Attempt, FallbackStream
from providers.health import check_all
from providers.openai import OpenAICompatible
from providers.registry import Choice, ProviderRegistry
from providers.settings import EndpointSettings, ProviderSettings, SettingsError
from tests.fakes.providers import Failure, FakeProviderServer
from tests.providers import collect

HI = [{"role": "user", "content": "hi"}]


def two_endpoints(server: FakeProviderServer) -> dict[str, str]:
    """``PROVIDERS=openai,ollama,flowgpt``: two endpoints (one listing its models) and a seed."""
    return {
        "PROVIDERS": "openai, Ollama ,flowgpt",
        "OPENAI_BASE_URL": server.url_for("openai"), "OPENAI_API_KEY": "sk-openai",
        "OPENAI_MODELS": "gpt-4o-mini",
        "OLLAMA_BASE_URL": server.url_for("ollama") + "/", "OLLAMA_MODELS": "llama3:8b,qwen3",
        "FLOWGPT_BASE_URL": server.url_for("flowgpt"),
    }


def test_builtin_protocol_names() -> None:
    assert BUILTIN_PROTOCOLS == ("vitalentum", "ai365vip", "codelinkava", "flowgpt")
    assert is_builtin("flowgpt")
    assert not is_builtin("openai")
    assert not is_builtin("ollama")


def test_endpoints_from_the_environment(server: FakeProviderServer) -> None:
    settings = ProviderSettings.from_env({**two_endpoints(server), "GROQ_BASE_URL": "http://x"})
    assert settings.enabled == ("openai", "ollama", "flowgpt")
    assert settings.endpoints == {
        "openai": EndpointSettings(server.url_for("openai"), "sk-openai", ("gpt-4o-mini",)),
        "ollama": EndpointSettings(server.url_for("ollama"), None, ("llama3:8b", "qwen3")),
    }  # groq is not in PROVIDERS: not read
    assert settings.base_urls == {"flowgpt": server.url_for("flowgpt")}


def test_openai_named_but_unconfigured_is_openai_itself() -> None:
    settings = ProviderSettings.from_env({"PROVIDERS": "openai"})
    assert settings.endpoints == {}
    assert settings.endpoint("openai") == EndpointSettings()


def test_a_constructed_endpoint_without_a_base_url_names_its_variable() -> None:
    settings = ProviderSettings(enabled=("lmstudio",), endpoints={"lmstudio": EndpointSettings()})
    with pytest.raises(SettingsError, match=r"^LMSTUDIO_BASE_URL: required"):
        settings.endpoint("lmstudio")
    with pytest.raises(SettingsError, match=r"^VLLM_BASE_URL: required"):
        ProviderSettings(enabled=("vllm",)).endpoint("vllm")


async def test_one_registry_for_two_endpoints_and_a_seed(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    registry = ProviderRegistry.from_settings(
        session, ProviderSettings.from_env(two_endpoints(server)))
    assert registry.names == ("openai", "ollama", "flowgpt")
    openai, ollama = registry.get("openai"), registry.get("OLLAMA")
    assert isinstance(openai, OpenAICompatible)
    assert isinstance(ollama, OpenAICompatible)
    assert (openai.name, ollama.name) == ("openai", "ollama")
    assert ollama.label == "OpenAI-compatible"
    assert ollama.base_url == server.url_for("ollama")
    assert (ollama.api_key, openai.api_key) == (None, "sk-openai")
    assert registry.resolve("ollama:llama3:8b") == Choice("ollama", "llama3:8b")
    assert registry.resolve("qwen3") == Choice("ollama", "qwen3")
    assert registry.resolve("ollama") == Choice("ollama", "llama3:8b")
    server.script("ollama", "from ollama")
    assert "".join(await collect(ollama.stream(HI, model="qwen3"))) == "from ollama"
    (request,) = server.requests_for("ollama")
    assert request.path == "/ollama/chat/completions"
    assert request.json["model"] == "qwen3"
    assert "Authorization" not in request.headers


async def test_default_order_puts_configured_endpoints_after_the_seeds(
    session: aiohttp.ClientSession
) -> None:
    settings = ProviderSettings(endpoints={
        "openai": EndpointSettings(api_key="sk"),
        "groq": EndpointSettings("https://api.groq.com/openai/v1", "gsk", ("llama-3.3",)),
    })
    registry = ProviderRegistry.from_settings(session, settings)
    assert registry.names == (*BUILTIN_PROTOCOLS, "openai", "groq")
    assert registry.get("openai").base_url == "https://api.openai.com/v1"
    assert registry.get("groq").base_url == "https://api.groq.com/openai/v1"


async def test_fallback_and_health_see_each_endpoint(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    registry = ProviderRegistry.from_settings(
        session, ProviderSettings.from_env(two_endpoints(server)))
    server.script("openai", Failure(503, "busy"))
    server.script("ollama", "OK")
    server.script("flowgpt", "OK")
    stream = FallbackStream([Attempt(p) for p in registry], HI)
    assert "".join(await collect(stream)) == "OK"
    assert stream.answered_by is not None
    assert stream.answered_by.provider.name == "ollama"
    assert [f.provider for f in stream.failures] == ["openai"]
    reports = await check_all(registry, timeout=5)
    assert [(r.provider, r.ok) for r in reports] == [
        ("openai", False), ("ollama", True), ("flowgpt", True)]


async def test_an_endpoint_without_models_asks_its_own_server(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script_models("lmstudio", ["qwen2.5-7b", "phi-4"])
    settings = ProviderSettings.from_env({"PROVIDERS": "lmstudio",
                                          "LMSTUDIO_BASE_URL": server.url_for("lmstudio")})
    provider = ProviderRegistry.from_settings(session, settings).get("lmstudio")
    await provider.prepare()
    assert provider.models == ("phi-4", "qwen2.5-7b")
    assert server.requests[0].path == "/lmstudio/models"
