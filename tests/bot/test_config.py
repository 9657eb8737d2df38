"""Settings: .env.example parses; every bad value stops startup with one line naming it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import application
from bot.config import ConfigError, load_settings

TOKEN = "1:" + "x" * 35  # well formed; these settings never reach Telegram

ROOT = Path(__file__).resolve().parents[2]
ALL_VARIABLES = (
    "BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "ADMIN_IDS", "ALLOWED_USER_IDS",
    "ALLOWED_CHAT_IDS", "PROVIDERS", "DEFAULT_PROVIDER", "DEFAULT_MODEL", "VITALENTUM_BASE_URL",
    "CODELINKAVA_BASE_URL", "AI365VIP_BASE_URL", "FLOWGPT_BASE_URL", "OPENAI_BASE_URL",
    "OPENAI_API_KEY", "OPENAI_MODELS", "PROXY_URL", "STREAM_MODE", "EDIT_INTERVAL_PRIVATE",
    "EDIT_INTERVAL_GROUP", "HISTORY_MAX_MESSAGES", "HISTORY_MAX_CHARS", "LOG_LEVEL",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ALL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_env_example_lists_every_setting_and_parses(tmp_path: Path) -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in ALL_VARIABLES:
        assert f"\n{name}=" in example, f"{name} missing from .env.example"
    (tmp_path / ".env").write_text(example, encoding="utf-8")
    settings = load_settings()
    assert settings.bot_token.get_secret_value().startswith("123456789:")
    assert settings.providers == ("openai",)
    assert settings.openai_models == ("gpt-4o-mini", "gpt-4o")
    assert settings.stream_mode == "edit"
    provider_settings = settings.provider_settings()
    assert provider_settings.base_url("flowgpt") == "https://prod-backend-k8s.flowgpt.com"
    assert provider_settings.endpoint("openai").api_key == "sk-replace-me"


def test_defaults_from_the_design(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.database_url == "sqlite+aiosqlite:///data/bot.db"
    assert (settings.edit_interval_private, settings.edit_interval_group) == (1.0, 3.0)
    assert settings.admin_ids == ()
    assert settings.log_level == "INFO"


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ADMIN_IDS", " 10, 20 ,")
    monkeypatch.setenv("PROVIDERS", "FlowGpt,openai")
    settings = load_settings()
    assert settings.admin_ids == (10, 20)
    assert settings.providers == ("flowgpt", "openai")


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("BOT_TOKEN", None, "BOT_TOKEN: is required"),
    ("ADMIN_IDS", "12,abc", "ADMIN_IDS: expected comma-separated integer ids"),
    ("PROVIDERS", "openai,bard", "BARD_BASE_URL: required for the OpenAI-compatible"),
    ("PROVIDERS", "openai,open-ai!", "PROVIDERS: 'open-ai!' is not a provider name"),
    ("STREAM_MODE", "fast", "STREAM_MODE:"),
    ("EDIT_INTERVAL_GROUP", "0", "EDIT_INTERVAL_GROUP:"),
    ("HISTORY_MAX_MESSAGES", "many", "HISTORY_MAX_MESSAGES:"),
    ("DATABASE_URL", "sqlite:///x.db", "DATABASE_URL: use sqlite+aiosqlite"),
    ("TELEGRAM_API_URL", "ftp://x", "TELEGRAM_API_URL: must start with http"),
    ("DEFAULT_PROVIDER", "bard", "DEFAULT_PROVIDER: bard is not among the enabled providers"),
])
def test_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str,
                                        value: str | None, expected: str) -> None:
    if variable != "BOT_TOKEN":
        monkeypatch.setenv("BOT_TOKEN", TOKEN)
    if value is not None:
        monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_bot_refuses_to_start_with_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "EDIT_INTERVAL_PRIVATE": "-1",
           "BOT_TOKEN": TOKEN}
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "configuration error: EDIT_INTERVAL_PRIVATE: Input should be greater than 0"]


async def startup_error(tmp_path: Path, **overrides: object) -> str:
    settings = load_settings(_env_file=None, bot_token=TOKEN,
                             database_url=f"sqlite+aiosqlite:///{tmp_path}/bot.db", **overrides)
    with pytest.raises(ConfigError) as caught:
        async with application(settings):
            pass
    return str(caught.value)


def test_default_provider_must_be_enabled() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, bot_token=TOKEN, providers=("flowgpt",),
                      default_provider="openai")
    assert str(caught.value) == (
        "DEFAULT_PROVIDER: openai is not among the enabled providers (flowgpt)")


def test_every_openai_compatible_endpoint_is_read_by_its_name() -> None:
    settings = load_settings(
        _env_file=None, bot_token=TOKEN, providers="openai,ollama,flowgpt",
        openai_api_key="sk-1", ollama_base_url="http://127.0.0.1:11434/v1/",
        ollama_models="llama3, qwen3:8b", default_provider="ollama")
    providers = settings.provider_settings()
    assert providers.enabled == ("openai", "ollama", "flowgpt")
    ollama = providers.endpoint("ollama")
    assert (ollama.base_url, ollama.api_key, ollama.models) == (
        "http://127.0.0.1:11434/v1", None, ("llama3", "qwen3:8b"))
    assert providers.endpoint("openai").api_key == "sk-1"


async def test_default_model_must_exist(tmp_path: Path) -> None:
    message = await startup_error(tmp_path, providers=("flowgpt",), default_provider="flowgpt",
                                  default_model="gpt-9")
    assert message.startswith("DEFAULT_MODEL: model 'gpt-9' is not supported; valid models:")


async def test_an_unreachable_bot_api_is_named(tmp_path: Path) -> None:
    message = await startup_error(tmp_path, providers=("flowgpt",),
                                  telegram_api_url="http://127.0.0.1:9")
    assert message.startswith("TELEGRAM_API_URL: cannot reach the Bot API at http://127.0.0.1:9")
    assert "\n" not in message


def test_a_bad_proxy_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("PROXY_URL", "127.0.0.1:8080")
    with pytest.raises(ConfigError, match=r"^PROXY_URL: use http://"):
        load_settings()


def test_a_provider_name_too_long_for_a_button_is_refused_naming_providers() -> None:
    fits = "a" * 32  # the /model keyboard carries names in 64 bytes of callback data
    settings = load_settings(_env_file=None, bot_token=TOKEN, providers=f"flowgpt,{fits}",
                             **{f"{fits}_base_url": "http://127.0.0.1:9/v1"})
    assert settings.providers == ("flowgpt", fits)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, bot_token=TOKEN, providers=f"flowgpt,{fits}b")
    assert str(caught.value) == f"PROVIDERS: {fits}... is longer than 32 characters"


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"transcribe_provider": "whisper", "transcribe_model": "whisper-1"},
     "WHISPER_BASE_URL: required for the OpenAI-compatible endpoint 'whisper' named in "
     "TRANSCRIBE_PROVIDER"),
    ({"transcribe_provider": "whisper"}, "TRANSCRIBE_MODEL: is required with TRANSCRIBE_PROVIDER"),
    ({"transcribe_provider": "flowgpt", "transcribe_model": "whisper-1"},
     "TRANSCRIBE_PROVIDER: flowgpt is not an OpenAI-compatible endpoint"),
    ({"transcribe_provider": "whis per", "transcribe_model": "whisper-1"},
     "TRANSCRIBE_PROVIDER: 'whis per' is not a provider name"),
])
def test_a_transcription_endpoint_needs_a_base_url_and_a_model(
        overrides: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, bot_token=TOKEN, providers="flowgpt", **overrides)
    assert str(caught.value) == expected


def test_a_transcription_endpoint_outside_providers_is_no_chat_provider() -> None:
    settings = load_settings(_env_file=None, bot_token=TOKEN, providers="vitalentum",
                             transcribe_provider="Whisper", transcribe_model="whisper-1",
                             whisper_base_url="http://127.0.0.1:9000/v1/",
                             whisper_api_key="wk-secret-123")
    assert settings.provider_settings().enabled == ("vitalentum",)
    assert "whisper" not in settings.provider_settings().endpoints
    speech = settings.speech_settings()
    assert speech is not None
    assert speech.endpoint("whisper").base_url == "http://127.0.0.1:9000/v1"
    assert "wk-secret-123" in settings.endpoint_keys  # redacted like every key
