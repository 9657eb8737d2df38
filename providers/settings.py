"""Provider settings: which providers are enabled, where they live, and credentials.

A plain dataclass so that the library needs no settings framework; the bot
builds one from its own validated settings, the CLI from the environment.

Names are of two kinds: the four built-in protocols (:data:`BUILTIN_PROTOCOLS`),
configured by ``<NAME>_BASE_URL`` alone, and OpenAI-compatible endpoints — any
other name — each configured by ``<NAME>_BASE_URL``, ``<NAME>_API_KEY`` and
``<NAME>_MODELS``. ``openai`` is such an endpoint with a default base URL.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

BUILTIN_PROTOCOLS: Final = ("vitalentum", "ai365vip", "codelinkava", "flowgpt")
"""Provider names with a protocol of their own; every other name is OpenAI-compatible."""

OPENAI: Final = "openai"
OPENAI_BASE_URL: Final = "https://api.openai.com/v1"
PROVIDER_NAMES: Final = (*BUILTIN_PROTOCOLS, OPENAI)
"""The providers enabled by default (``openai`` only when configured)."""

NAME_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]*")


class SettingsError(ValueError):
    """A provider setting is missing or malformed; the message names the variable."""


def is_builtin(name: str) -> bool:
    """Whether ``name`` is one of the built-in protocols (else an OpenAI-compatible endpoint)."""
    return name in BUILTIN_PROTOCOLS


@dataclass(frozen=True, slots=True)
class EndpointSettings:
    """One OpenAI-compatible endpoint: base URL, key, and models (empty: ask the server)."""

    base_url: str | None = None  # None: OpenAI's own, for the "openai" endpoint only
    api_key: str | None = None
    models: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """Everything the registry needs to build providers.

    ``enabled`` lists names in fallback order (None: the built-in protocols,
    then every endpoint in ``endpoints``); ``base_urls`` overrides the
    built-in protocols' base URLs; ``endpoints`` maps names to OpenAI-compatible
    endpoints, ``openai`` included.
    """

    enabled: tuple[str, ...] | None = None
    base_urls: Mapping[str, str] = field(default_factory=dict)
    endpoints: Mapping[str, EndpointSettings] = field(default_factory=dict)
    proxy_url: str | None = None

    def base_url(self, provider: str) -> str | None:
        """The configured base URL of ``provider``, or None for its default."""
        if provider in self.endpoints:
            return self.endpoints[provider].base_url
        return self.base_urls.get(provider)

    def endpoint(self, name: str) -> EndpointSettings:
        """The settings of endpoint ``name``; an unconfigured ``openai`` gets OpenAI's defaults."""
        if name in self.endpoints:
            found = self.endpoints[name]
            if found.base_url or name == OPENAI:
                return found
        elif name == OPENAI:
            return EndpointSettings()
        raise SettingsError(f"{name.upper()}_BASE_URL: required for the OpenAI-compatible "
                            f"endpoint {name!r}")

    @property
    def openai_configured(self) -> bool:
        """Whether the operator configured the ``openai`` endpoint."""
        return OPENAI in self.endpoints

    def default_order(self) -> tuple[str, ...]:
        """The built-in protocols, then every configured endpoint."""
        return (*BUILTIN_PROTOCOLS, *(n for n in self.endpoints if not is_builtin(n)))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ProviderSettings:
        """Read ``PROVIDERS``, ``*_BASE_URL``, ``<NAME>_API_KEY``/``_MODELS`` and ``PROXY_URL``.

        ``OPENAI_*`` configure the ``openai`` endpoint whenever any of them is
        set; other endpoints are read for the names in ``PROVIDERS``, and each
        needs its ``<NAME>_BASE_URL``.
        """
        env = os.environ if env is None else env
        enabled = split_list(env.get("PROVIDERS", ""))
        for name in enabled:
            if not NAME_PATTERN.fullmatch(name):
                raise SettingsError(f"PROVIDERS: {name!r} is not a provider name "
                                    "(letters, digits and '_', starting with a letter)")
        base_urls = {name: url for name in BUILTIN_PROTOCOLS
                     if (url := read_url(env, f"{name.upper()}_BASE_URL"))}
        endpoints: dict[str, EndpointSettings] = {}
        for name in (OPENAI, *enabled):
            if is_builtin(name) or name in endpoints:
                continue
            endpoint = read_endpoint(env, name)
            if endpoint is not None:
                endpoints[name] = endpoint
            elif name != OPENAI:
                raise SettingsError(f"{name.upper()}_BASE_URL: required for the "
                                    f"OpenAI-compatible endpoint {name!r} named in PROVIDERS")
        return cls(
            enabled=tuple(enabled) or None,
            base_urls=base_urls,
            endpoints=endpoints,
            proxy_url=env.get("PROXY_URL", "").strip() or None,
        )


def read_endpoint(env: Mapping[str, str], name: str) -> EndpointSettings | None:
    """Endpoint ``name`` from its variables; None when none of them is set."""
    prefix = name.upper()
    base_url = read_url(env, f"{prefix}_BASE_URL")
    api_key = env.get(f"{prefix}_API_KEY", "").strip() or None
    models = tuple(split_list(env.get(f"{prefix}_MODELS", ""), lower=False))
    if not (base_url or api_key or models):
        return None
    if base_url is None and name != OPENAI:
        return None
    return EndpointSettings(base_url, api_key, models)


def read_url(env: Mapping[str, str], variable: str) -> str | None:
    """An http(s) URL setting without its trailing slash; None when unset."""
    value = env.get(variable, "").strip()
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{variable}: must start with http:// or https://")
    return value.rstrip("/")


def split_list(value: str, *, lower: bool = True) -> list[str]:
    """Split a comma-separated setting, dropping blanks and duplicates."""
    items: list[str] = []
    for raw in value.split(","):
        item = raw.strip().lower() if lower else raw.strip()
        if item and item not in items:
            items.append(item)
    return items
