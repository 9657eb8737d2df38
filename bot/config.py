"""The bot's settings, read from the environment and ``.env`` (flat names, see README)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.endpoints import endpoints_named
from bot.setting_types import (
    BotToken,
    EmptyIsNone,
    HostPort,
    HttpUrl,
    IdList,
    ListenAddress,
    ModelList,
    ProviderList,
    RedisUrl,
    RequiredUrl,
    SecretToken,
    WebhookUrl,
)
from providers.settings import (
    NAME_PATTERN,
    OPENAI,
    EndpointSettings,
    ProviderSettings,
    SettingsError,
    is_builtin,
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming the variable."""


class Settings(BaseSettings):
    """Every operator setting; names match the environment variables upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore", frozen=True)
    _endpoints: dict[str, EndpointSettings] = PrivateAttr(default_factory=dict)
    # TRANSCRIBE_PROVIDER's endpoint when it is not among PROVIDERS (then it is no chat provider).
    _speech_endpoint: EndpointSettings | None = PrivateAttr(default=None)

    bot_token: BotToken
    telegram_api_url: RequiredUrl = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///data/bot.db"

    admin_ids: IdList = ()
    allowed_user_ids: IdList = ()
    allowed_chat_ids: IdList = ()

    providers: ProviderList = ()
    default_provider: str | None = None
    default_model: str | None = None
    vitalentum_base_url: HttpUrl = None
    codelinkava_base_url: HttpUrl = None
    ai365vip_base_url: HttpUrl = None
    flowgpt_base_url: HttpUrl = None
    openai_base_url: HttpUrl = None
    openai_api_key: SecretStr | None = None
    openai_models: ModelList = ()
    proxy_url: str | None = None
    provider_timeout: float = Field(90.0, gt=0)  # seconds without text or reasoning
    answer_max_chars: int = Field(32_000, ge=100)
    show_reasoning: Literal["off", "collapsed"] = "off"
    max_output_tokens: Annotated[int | None, EmptyIsNone] = Field(None, gt=0)
    daily_token_limit: int = Field(0, ge=0)  # per user per UTC day; 0: none

    image_max_side: int = Field(2048, ge=64)
    history_max_images: int = Field(4, ge=0)
    transcribe_provider: Annotated[str | None, EmptyIsNone] = None
    transcribe_model: Annotated[str | None, EmptyIsNone] = None
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

    webhook_url: WebhookUrl = None
    webhook_secret: SecretToken = None
    http_listen: ListenAddress = None  # host:port; default 0.0.0.0:8080 in webhook mode
    redis_url: RedisUrl = None

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

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

    @field_validator("default_provider", "transcribe_provider")
    @classmethod
    def _known_provider(cls, value: str | None) -> str | None:
        name = value.strip().lower() if value else None
        if name and not NAME_PATTERN.fullmatch(name):
            raise ValueError(f"{name!r} is not a provider name")
        return name or None

    @model_validator(mode="after")
    def _deployment(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET: is required with WEBHOOK_URL")
        if self.redis_url is not None and self.database_url.startswith("sqlite"):
            raise ValueError("DATABASE_URL: several workers (REDIS_URL) need PostgreSQL, "
                             "not SQLite")
        return self

    @property
    def listen_address(self) -> HostPort | None:
        """Where the bot's HTTP server listens: ``HTTP_LISTEN``, or 0.0.0.0:8080 for webhooks."""
        if self.http_listen is not None:
            return self.http_listen
        return HostPort("0.0.0.0", 8080) if self.webhook_url else None

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

    def speech_settings(self) -> ProviderSettings | None:
        """``TRANSCRIBE_PROVIDER``'s endpoint when it is not a chat provider (not in PROVIDERS).

        None when transcription is off or goes through one of the chat providers.
        """
        name = self.transcribe_provider
        if name is None:
            return None
        chat = self.provider_settings()
        if name in (chat.enabled or chat.default_order()):
            return None
        endpoints = dict(chat.endpoints)
        if self._speech_endpoint is not None:
            endpoints[name] = self._speech_endpoint
        return ProviderSettings(enabled=(name,), endpoints=endpoints, proxy_url=chat.proxy_url)

    @property
    def endpoint_keys(self) -> list[str]:
        """The API keys of the endpoints the bot calls (secrets never to be shown)."""
        endpoints = [*self._endpoints.values(), self._speech_endpoint]
        return [e.api_key for e in endpoints if e is not None and e.api_key]


def load_settings(**overrides: Any) -> Settings:
    """Read settings; a bad or missing one raises :class:`ConfigError` naming the variable.

    Besides the fixed names, every OpenAI-compatible endpoint named in
    ``PROVIDERS`` is read from ``<NAME>_BASE_URL``, ``<NAME>_API_KEY`` and
    ``<NAME>_MODELS`` (overrides, then the environment, then ``.env``).
    """
    settings = _validated(overrides)
    try:
        settings._endpoints = endpoints_named(settings.providers, overrides)
    except SettingsError as exc:
        raise ConfigError(str(exc)) from None
    providers = settings.provider_settings()
    names = providers.enabled or providers.default_order()
    if settings.default_provider and settings.default_provider not in names:
        raise ConfigError(f"DEFAULT_PROVIDER: {settings.default_provider} is not among the "
                          f"enabled providers ({', '.join(names)})")
    _check_transcription(settings, names, overrides)
    return settings


def _check_transcription(settings: Settings, chat_providers: tuple[str, ...],
                         overrides: Mapping[str, Any]) -> None:
    """``TRANSCRIBE_PROVIDER`` is an OpenAI-compatible endpoint, a chat provider or not."""
    name = settings.transcribe_provider
    if name is None:
        return
    if is_builtin(name):
        raise ConfigError(f"TRANSCRIBE_PROVIDER: {name} is not an OpenAI-compatible endpoint")
    if not settings.transcribe_model:
        raise ConfigError("TRANSCRIBE_MODEL: is required with TRANSCRIBE_PROVIDER")
    if name in chat_providers or name == OPENAI:  # openai has a default base URL
        return
    try:
        found = endpoints_named((name,), overrides, named_in="TRANSCRIBE_PROVIDER")
    except SettingsError as exc:
        raise ConfigError(str(exc)) from None
    settings._speech_endpoint = found[name]


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
