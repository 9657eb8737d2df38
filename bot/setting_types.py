"""The shapes of setting values (lists, URLs, tokens, an address), each checked once.

Used by :class:`bot.config.Settings`; a value that does not fit raises
``ValueError`` with a short reason, which the settings loader prefixes with
the variable's name.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, NamedTuple

from pydantic import AfterValidator, BeforeValidator, SecretStr
from pydantic_settings import NoDecode

from providers.settings import BUILTIN_PROTOCOLS, NAME_PATTERN, split_list

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# "<bot id>:<secret>"; BotFather's secrets are 35 characters long.
_BOT_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]{30,}")
# Callback data holds at most 64 bytes, and the /model keyboard's buttons carry a provider name.
PROVIDER_NAME_MAX = 32


class HostPort(NamedTuple):
    """A listening address (``HTTP_LISTEN``): port 0 means any free port."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def _ids(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return tuple(int(item) for item in split_list(value))
    except ValueError:
        raise ValueError("expected comma-separated integer ids") from None


def _providers(value: Any) -> Any:
    names = tuple(split_list(value)) if isinstance(value, str) else value
    for name in names:
        if not NAME_PATTERN.fullmatch(name):
            raise ValueError(f"{name!r} is not a provider name (a built-in protocol — "
                             f"{', '.join(BUILTIN_PROTOCOLS)} — or an OpenAI-compatible "
                             "endpoint named with letters, digits and '_')")
        if len(name) > PROVIDER_NAME_MAX:
            raise ValueError(f"{name[:PROVIDER_NAME_MAX]}... is longer than "
                             f"{PROVIDER_NAME_MAX} characters")
    return names


def _models(value: Any) -> Any:
    return tuple(split_list(value, lower=False)) if isinstance(value, str) else value


def _url(value: str | None, *, reason: str = "must start with http:// or https://",
         keep_slash: bool = False) -> str | None:
    """An http(s) URL setting, or None when empty; ``reason`` says what else is wrong."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not value.startswith(("http://", "https://")):
        raise ValueError(reason)
    # Base URLs get paths appended; the webhook's path is matched as Telegram posts it.
    return value if keep_slash else value.rstrip("/")


def _required_url(value: str) -> str:
    url = _url(value)
    if url is None:
        raise ValueError("must start with http:// or https://")
    return url


def _webhook_url(value: str | None) -> str | None:
    return _url(value, reason="must be the https:// URL Telegram posts updates to",
                keep_slash=True)


def _bot_token(value: SecretStr) -> SecretStr:
    # The reason never quotes the value: it is a secret, and the line goes to stderr.
    if not _BOT_TOKEN.fullmatch(value.get_secret_value()):
        raise ValueError("not a Telegram bot token (digits, a colon, then at least 30 of "
                         "A-Z, a-z, 0-9, _ and -, without spaces; as @BotFather gives it)")
    return value


def _secret_token(value: SecretStr | None) -> SecretStr | None:
    if value is None or not value.get_secret_value():
        return None
    if not _SECRET_TOKEN.fullmatch(value.get_secret_value()):
        raise ValueError("use 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return value


def parse_host_port(value: str) -> HostPort:
    """``host:port`` (an empty host: every interface); ValueError when malformed."""
    host, sep, port = value.strip().rpartition(":")
    # Port 0: any free port (the bound address is logged), for several workers on a host.
    if not sep or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValueError("use host:port, for example 0.0.0.0:8080")
    return HostPort(host or "0.0.0.0", int(port))


def _host_port(value: Any) -> Any:
    if isinstance(value, str):
        return parse_host_port(value) if value.strip() else None
    return value


def _redis_url(value: SecretStr | None) -> SecretStr | None:
    if value is None or not value.get_secret_value().strip():
        return None
    if not value.get_secret_value().startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("use redis://host:6379/0, rediss://... or unix://...")
    return value


def _empty_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


IdList = Annotated[tuple[int, ...], NoDecode, BeforeValidator(_ids)]
ProviderList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_providers)]
ModelList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_models)]
RequiredUrl = Annotated[str, AfterValidator(_required_url)]
HttpUrl = Annotated[str | None, AfterValidator(_url)]
WebhookUrl = Annotated[str | None, AfterValidator(_webhook_url)]
BotToken = Annotated[SecretStr, AfterValidator(_bot_token)]
SecretToken = Annotated[SecretStr | None, AfterValidator(_secret_token)]
ListenAddress = Annotated[HostPort | None, BeforeValidator(_host_port)]
RedisUrl = Annotated[SecretStr | None, AfterValidator(_redis_url)]
EmptyIsNone = BeforeValidator(_empty_is_none)  # an empty value in .env means "not set"
