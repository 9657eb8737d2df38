"""The bot's settings, read from the environment and ``.env`` (flat names, see README)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from dotenv import dotenv_values
from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from providers.settings import (
    BUILTIN_PROTOCOLS,
    NAME_PATTERN,
    OPENAI,
    EndpointSettings,
    ProviderSettings,
    SettingsError,
    is_builtin,
    read_endpoint,
    split_list,
)

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")

IdList = Annotated[tuple[int, ...], NoDecode]
NameList = Annotated[tuple[str, ...], NoDecode]


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming the variable."""


class Settings(BaseSettings):
    """Every operator setting; names match the environment variables upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore", frozen=True)
    _endpoints: dict[str, EndpointSettings] = PrivateAttr(default_factory=dict)

    bot_token: SecretStr = Field(min_length=1)
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///data/bot.db"

    admin_ids: IdList = ()
    allowed_user_ids: IdList = ()
    allowed_chat_ids: IdList = ()

    providers: NameList = ()
    default_provider: str | None = None
    default_model: str | None = None
    vitalentum_base_url: str | None = None
    codelinkava_base_url: str | None = None
    ai365vip_base_url: str | None = None
    flowgpt_base_url: str | None = None
    openai_base_url: str | None = None
    openai_api_key: SecretStr | None = None
    openai_models: NameList = ()
    proxy_url: str | None = None
    provider_timeout: float = Field(90.0, gt=0)  # seconds without text or reasoning
    answer_max_chars: int = Field(32_000, ge=100)
    show_reasoning: Literal["off", "collapsed"] = "off"
    max_output_tokens: int | None = Field(None, gt=0)
    daily_token_limit: int = Field(0, ge=0)  # per user per UTC day; 0: none

    image_max_side: int = Field(2048, ge=64)
    history_max_images: int = Field(4, ge=0)
    transcribe_provider: str | None = None
    transcribe_model: str | None = None
    document_max_chars: int = Field(60_000, ge=100)

    stream_mode: Literal["edit", "draft"] = "edit"
    edit_interval_private: float = Field(1.0, gt=0, le=60)
    edit_interval_group: float = Field(3.0, gt=0, le=60)

    history_max_messages: int = Field(40, ge=1, le=1000)
    history_max_chars: int = Field(24_000, ge=100)
    system_prompt_max_chars: int = Field(4000, ge=1)
    rate_limit_per_minute: int = Field(20, ge=0)  # per user; 0 disables
    chat_queue_size: int = Field(3, ge=0)  # questions waiting while one is answered
    shutdown_grace: float = Field(5.0, ge=0, le=600)  # seconds answers get to finish on SIGTERM

    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    http_listen: str | None = None  # host:port; default 0.0.0.0:8080 in webhook mode
    redis_url: SecretStr | None = None

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    @field_validator("admin_ids", "allowed_user_ids", "allowed_chat_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return tuple(int(item) for item in split_list(value))
            except ValueError:
                raise ValueError("expected comma-separated integer ids") from None
        return value

    @field_validator("providers", mode="before")
    @classmethod
    def _split_providers(cls, value: Any) -> Any:
        names = tuple(split_list(value)) if isinstance(value, str) else value
        for name in names:
            if not NAME_PATTERN.fullmatch(name):
                raise ValueError(f"{name!r} is not a provider name (a built-in protocol — "
                                 f"{', '.join(BUILTIN_PROTOCOLS)} — or an OpenAI-compatible "
                                 "endpoint named with letters, digits and '_')")
        return names

    @field_validator("openai_models", mode="before")
    @classmethod
    def _split_models(cls, value: Any) -> Any:
        return tuple(split_list(value, lower=False)) if isinstance(value, str) else value

    @field_validator("telegram_api_url", "vitalentum_base_url", "codelinkava_base_url",
                     "ai365vip_base_url", "flowgpt_base_url", "openai_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None if value is None else value.strip() or None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("proxy_url")
    @classmethod
    def _proxy_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://", "socks4://", "socks5://")):
            raise ValueError("use http://, https://, socks4:// or socks5://")
        return value or None

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path.db or postgresql+asyncpg://...")
        return value

    @field_validator("default_provider")
    @classmethod
    def _known_provider(cls, value: str | None) -> str | None:
        return value.strip().lower() or None if value else None

    @field_validator("max_output_tokens", "transcribe_provider", "transcribe_model",
                     mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be the https:// URL Telegram posts updates to")
        return value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _secret_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not _SECRET_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError("use 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("http_listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        host, sep, port = value.strip().rpartition(":")
        # Port 0: any free port (the bound address is logged), for several workers on a host.
        if not sep or not port.isdigit() or not 0 <= int(port) < 65536:
            raise ValueError("use host:port, for example 0.0.0.0:8080")
        return f"{host or '0.0.0.0'}:{port}"

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("use redis://host:6379/0, rediss://... or unix://...")
        return value

    @model_validator(mode="after")
    def _deployment(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET: is required with WEBHOOK_URL")
        if self.redis_url is not None and self.database_url.startswith("sqlite"):
            raise ValueError("DATABASE_URL: several workers (REDIS_URL) need PostgreSQL, "
                             "not SQLite")
        return self

    @property
    def listen_address(self) -> tuple[str, int] | None:
        """Where the bot's HTTP server listens: ``HTTP_LISTEN``, or 0.0.0.0:8080 for webhooks."""
        address = self.http_listen or ("0.0.0.0:8080" if self.webhook_url else None)
        if address is None:
            return None
        host, _, port = address.rpartition(":")
        return host, int(port)

    def provider_settings(self) -> ProviderSettings:
        """The provider library's view of these settings."""
        urls = {
            "vitalentum": self.vitalentum_base_url, "codelinkava": self.codelinkava_base_url,
            "ai365vip": self.ai365vip_base_url, "flowgpt": self.flowgpt_base_url,
        }
        endpoints = dict(self._endpoints)
        key = self.openai_api_key.get_secret_value() if self.openai_api_key else None
        if self.openai_base_url or key or self.openai_models:
            endpoints[OPENAI] = EndpointSettings(self.openai_base_url, key, self.openai_models)
        return ProviderSettings(
            enabled=self.providers or None,
            base_urls={name: url for name, url in urls.items() if url},
            endpoints=endpoints,
            proxy_url=self.proxy_url or None,
        )

    @property
    def endpoint_keys(self) -> list[str]:
        """The API keys of the endpoints named in PROVIDERS (secrets never to be shown)."""
        return [e.api_key for e in self._endpoints.values() if e.api_key]


def load_settings(**overrides: Any) -> Settings:
    """Read settings; a bad or missing one raises :class:`ConfigError` naming the variable.

    Besides the fixed names, every OpenAI-compatible endpoint named in
    ``PROVIDERS`` is read from ``<NAME>_BASE_URL``, ``<NAME>_API_KEY`` and
    ``<NAME>_MODELS`` (overrides, then the environment, then ``.env``).
    """
    settings = _validated(overrides)
    variables = _variables(overrides)
    endpoints: dict[str, EndpointSettings] = {}
    for name in settings.providers:
        if is_builtin(name) or name == OPENAI:
            continue
        try:
            endpoint = read_endpoint(variables, name)
        except SettingsError as exc:
            raise ConfigError(str(exc)) from None
        if endpoint is None:
            raise ConfigError(f"{name.upper()}_BASE_URL: required for the OpenAI-compatible "
                              f"endpoint {name!r} named in PROVIDERS")
        endpoints[name] = endpoint
    settings._endpoints = endpoints
    providers = settings.provider_settings()
    names = providers.enabled or providers.default_order()
    if settings.default_provider and settings.default_provider not in names:
        raise ConfigError(f"DEFAULT_PROVIDER: {settings.default_provider} is not among the "
                          f"enabled providers ({', '.join(names)})")
    return settings


def _variables(overrides: Mapping[str, Any]) -> dict[str, str]:
    """Every variable as the environment spells it: ``.env``, the environment, overrides."""
    env_file = overrides.get("_env_file", ".env")
    found: dict[str, str] = {}
    if env_file and Path(env_file).is_file():
        found.update({k.upper(): v for k, v in dotenv_values(env_file).items() if v is not None})
    found.update({k.upper(): v for k, v in os.environ.items()})
    found.update({k.upper(): ",".join(map(str, v)) if isinstance(v, tuple | list) else str(v)
                  for k, v in overrides.items() if not k.startswith("_")})
    return found


def _validated(overrides: Mapping[str, Any]) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        reason = str(error["msg"]).removeprefix("Value error, ")
        if not error["loc"]:  # a rule across settings: its message names the variable
            raise ConfigError(reason) from None
        variable = str(error["loc"][0]).upper()
        if error["type"] == "missing":
            reason = "is required"
        raise ConfigError(f"{variable}: {reason}") from None
