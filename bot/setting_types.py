"""The shapes of setting values (lists, URLs, a secret token, an address), each checked once.

Used by :class:`bot.config.Settings`; a value that does not fit raises
``ValueError`` with a short reason, which the settings loader prefixes with
the variable's name.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, SecretStr
from pydantic_settings import NoDecode

from providers.settings import BUILTIN_PROTOCOLS, NAME_PATTERN, split_list

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


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
    return names


def _models(value: Any) -> Any:
    return tuple(split_list(value, lower=False)) if isinstance(value, str) else value


def _http_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value.rstrip("/")


def _webhook_url(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    if not value.startswith(("https://", "http://")):
        raise ValueError("must be the https:// URL Telegram posts updates to")
    return value.strip()


def _secret_token(value: SecretStr | None) -> SecretStr | None:
    if value is None or not value.get_secret_value():
        return None
    if not _SECRET_TOKEN.fullmatch(value.get_secret_value()):
        raise ValueError("use 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return value


def _host_port(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    host, sep, port = value.strip().rpartition(":")
    # Port 0: any free port (the bound address is logged), for several workers on a host.
    if not sep or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValueError("use host:port, for example 0.0.0.0:8080")
    return f"{host or '0.0.0.0'}:{port}"


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
HttpUrl = Annotated[str | None, AfterValidator(_http_url)]
WebhookUrl = Annotated[str | None, AfterValidator(_webhook_url)]
SecretToken = Annotated[SecretStr | None, AfterValidator(_secret_token)]
HostPort = Annotated[str | None, AfterValidator(_host_port)]
RedisUrl = Annotated[SecretStr | None, AfterValidator(_redis_url)]
EmptyIsNone = BeforeValidator(_empty_is_none)  # an empty value in .env means "not set"
