"""Settings from the environment, the registry built from them, and ``provider:model`` choices."""

from __future__ import annotations

import aiohttp
import pytest

from providers.errors import ModelNotSupported
from providers.openai import OpenAICompatible
from providers.registry import Choice, ChoiceError, ProviderRegistry
from providers.settings import EndpointSettings, ProviderSettings, SettingsError, split_list
from providers.transport import Timeouts

SEEDS = ("vitalentum", "ai365vip", "codelinkava", "flowgpt")


def registry(session: aiohttp.ClientSession, **env: str) -> ProviderRegistry:
    """The registry the given environment describes."""
    return ProviderRegistry.from_settings(session, ProviderSettings.from_env(env))


# --- settings ----------------------------------------------------------------------------

def test_empty_environment_means_defaults() -> None:
    settings = ProviderSettings.from_env({})
    assert settings == ProviderSettings()
    assert settings.enabled is None
    assert not settings.openai_configured


def test_everything_is_read() -> None:
    settings = ProviderSettings.from_env({
        "PROVIDERS": " FlowGpt, openai ,flowgpt,, ",
        "FLOWGPT_BASE_URL": "http://flow.local:8000/",
        "OPENAI_BASE_URL": "http://localhost:11434/v1",
        "OPENAI_API_KEY": "  sk-123  ",
        "OPENAI_MODELS": "llama3:8b, Qwen2.5-7B ,llama3:8b",
        "PROXY_URL": "socks5://127.0.0.1:1080",
    })
    assert settings.enabled == ("flowgpt", "openai")
    assert settings.base_url("flowgpt") == "http://flow.local:8000"
    assert settings.base_url("vitalentum") is None
    assert settings.base_url("openai") == "http://localhost:11434/v1"
    # Model names keep their case.
    assert settings.endpoints == {"openai": EndpointSettings(
        "http://localhost:11434/v1", "sk-123", ("llama3:8b", "Qwen2.5-7B"))}
    assert settings.proxy_url == "socks5://127.0.0.1:1080"
    assert settings.openai_configured


def test_from_env_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROVIDERS", "codelinkava")
    monkeypatch.setenv("CODELINKAVA_BASE_URL", "https://ava.example")
    settings = ProviderSettings.from_env()
    assert settings.enabled == ("codelinkava",)
    assert settings.base_url("codelinkava") == "https://ava.example"


@pytest.mark.parametrize(("env", "message"), [
    ({"PROVIDERS": "flowgpt,bard"},
     "BARD_BASE_URL: required for the OpenAI-compatible endpoint 'bard' named in PROVIDERS"),
    ({"PROVIDERS": "flowgpt,bard", "BARD_API_KEY": "k", "BARD_MODELS": "m"},
     "BARD_BASE_URL: required for the OpenAI-compatible endpoint 'bard' named in PROVIDERS"),
    ({"PROVIDERS": "bard", "BARD_BASE_URL": "bard.local"},
     "BARD_BASE_URL: must start with http:// or https://"),
    ({"PROVIDERS": "my-llm"},
     "PROVIDERS: 'my-llm' is not a provider name (letters, digits and '_', "
     "starting with a letter)"),
    ({"PROVIDERS": "1st"},
     "PROVIDERS: '1st' is not a provider name (letters, digits and '_', "
     "starting with a letter)"),
    ({"VITALENTUM_BASE_URL": "app.vitalentum.io"},
     "VITALENTUM_BASE_URL: must start with http:// or https://"),
    ({"OPENAI_BASE_URL": "localhost:11434/v1"},
     "OPENAI_BASE_URL: must start with http:// or https://"),
    ({"AI365VIP_BASE_URL": "ftp://chat.ai365vip.com"},
     "AI365VIP_BASE_URL: must start with http:// or https://"),
])
def test_bad_setting_names_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as info:
        ProviderSettings.from_env(env)
    assert str(info.value) == message


@pytest.mark.parametrize(("env", "configured"), [
    ({"OPENAI_API_KEY": "sk"}, True),
    ({"OPENAI_BASE_URL": "http://localhost:8080/v1"}, True),
    ({"OPENAI_MODELS": "m"}, True),
    ({"OPENAI_API_KEY": "   "}, False),
    ({"FLOWGPT_BASE_URL": "http://x"}, False),
])
def test_openai_is_configured_by_any_of_its_settings(
    env: dict[str, str], configured: bool
) -> None:
    assert ProviderSettings.from_env(env).openai_configured is configured


def test_split_list() -> None:
    assert split_list(" A, b ,,a ") == ["a", "b"]
    assert split_list(" A, b ,,a ", lower=False) == ["A", "b", "a"]
    assert split_list("") == []


# --- registry ----------------------------------------------------------------------------

async def test_default_order_leaves_out_an_unconfigured_openai(
    session: aiohttp.ClientSession
) -> None:
    built = registry(session)
    assert built.names == SEEDS
    assert [p.name for p in built] == list(SEEDS)
    assert len(built) == 4
    assert "openai" not in built
    assert [p.base_url for p in built] == [
        "https://app.vitalentum.io", "https://chat.ai365vip.com",
        "https://ava-alpha-api.codelink.io", "https://prod-backend-k8s.flowgpt.com",
    ]


async def test_configured_openai_comes_last_with_key_and_models(
    session: aiohttp.ClientSession
) -> None:
    built = registry(session, OPENAI_BASE_URL="http://localhost:11434/v1/",
                     OPENAI_API_KEY="sk-local", OPENAI_MODELS="llama3:8b,qwen2.5")
    assert built.names == (*SEEDS, "openai")
    openai = built.get("openai")
    assert isinstance(openai, OpenAICompatible)
    assert openai.base_url == "http://localhost:11434/v1"
    assert openai.api_key == "sk-local"
    assert openai.models == ("llama3:8b", "qwen2.5")
    assert openai.default_model == "llama3:8b"


async def test_providers_setting_chooses_and_orders(session: aiohttp.ClientSession) -> None:
    built = registry(session, PROVIDERS="openai,flowgpt,vitalentum",
                     VITALENTUM_BASE_URL="http://127.0.0.1:9/v")
    assert built.names == ("openai", "flowgpt", "vitalentum")
    assert built.get("openai").base_url == "https://api.openai.com/v1"
    assert built.get("vitalentum").base_url == "http://127.0.0.1:9/v"


async def test_timeouts_reach_every_provider(session: aiohttp.ClientSession) -> None:
    timeouts = Timeouts(connect=1.0, read=2.0)
    built = ProviderRegistry.from_settings(session, ProviderSettings(), timeouts=timeouts)
    assert all(p.timeouts is timeouts for p in built)
    assert all(p.session is session for p in built)


async def test_get(session: aiohttp.ClientSession) -> None:
    built = registry(session, PROVIDERS="flowgpt,ai365vip")
    assert built.get(" FlowGpt ").name == "flowgpt"
    with pytest.raises(ChoiceError) as info:
        built.get("vitalentum")
    assert str(info.value) == "unknown provider 'vitalentum'; available: flowgpt, ai365vip"


@pytest.mark.parametrize(("spec", "choice"), [
    ("flowgpt", Choice("flowgpt", "gpt-3.5-turbo")),
    ("FlowGpt:gemini", Choice("flowgpt", "google-gemini")),
    ("flowgpt:Mixtral-8x7B", Choice("flowgpt", "Mixtral-8x7B")),
    ("ai365vip:gpt-3.5-turbo", Choice("ai365vip", "gpt-3.5-turbo-16k")),
    ("ai365vip:", Choice("ai365vip", "gpt-3.5-turbo")),
    ("vitalentum:any-model-at-all", Choice("vitalentum", "any-model-at-all")),
    ("gpt-4o", Choice("ai365vip", "gpt-4o")),  # only one provider lists it
    ("gemini-pro", Choice("flowgpt", "google-gemini")),  # an alias only one provider has
    ("claude-v2", Choice("flowgpt", "claude-v2")),
    ("llama3:8b", Choice("openai", "llama3:8b")),  # a ':' inside a model name
    ("openai:llama3:8b", Choice("openai", "llama3:8b")),
    ("openai", Choice("openai", "llama3:8b")),
    ("  qwen2.5  ", Choice("openai", "qwen2.5")),
])
async def test_resolve(session: aiohttp.ClientSession, spec: str, choice: Choice) -> None:
    built = registry(session, OPENAI_MODELS="llama3:8b,qwen2.5")
    assert built.resolve(spec) == choice


async def test_choice_text_round_trips(session: aiohttp.ClientSession) -> None:
    built = registry(session, OPENAI_MODELS="llama3:8b")
    choice = built.resolve("openai:llama3:8b")
    assert str(choice) == "openai:llama3:8b"
    assert built.resolve(str(choice)) == choice


@pytest.mark.parametrize(("spec", "message"), [
    ("gpt-3.5-turbo", "'gpt-3.5-turbo' is offered by several providers; "
                      "choose one of ai365vip:gpt-3.5-turbo, flowgpt:gpt-3.5-turbo"),
    ("bard", "unknown provider or model 'bard'; "
             "providers: vitalentum, ai365vip, codelinkava, flowgpt, openai"),
    ("bard:gemini", "unknown provider or model 'bard:gemini'; "
                    "providers: vitalentum, ai365vip, codelinkava, flowgpt, openai"),
    ("", "unknown provider or model ''; "
         "providers: vitalentum, ai365vip, codelinkava, flowgpt, openai"),
])
async def test_resolve_refusals_list_what_exists(
    session: aiohttp.ClientSession, spec: str, message: str
) -> None:
    built = registry(session, OPENAI_MODELS="llama3:8b")
    with pytest.raises(ChoiceError) as info:
        built.resolve(spec)
    assert str(info.value) == message


async def test_resolve_a_model_the_provider_lacks(session: aiohttp.ClientSession) -> None:
    with pytest.raises(ModelNotSupported) as info:
        registry(session).resolve("ai365vip:claude-v2")
    assert info.value.valid == ("gpt-3.5-turbo", "gpt-3.5-turbo-16k", "gpt-4o")


async def test_resolve_ignores_providers_that_are_not_enabled(
    session: aiohttp.ClientSession
) -> None:
    built = registry(session, PROVIDERS="vitalentum")
    with pytest.raises(ChoiceError, match=r"providers: vitalentum$"):
        built.resolve("gpt-4o")
