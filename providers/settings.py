"""Provider settings: which providers are enabled, where they live, and credentials.

A plain dataclass so that the library needs no settings framework; the bot
builds one from its own validated settings, the CLI from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

PROVIDER_NAMES = ("vitalentum", "ai365vip", "codelinkava", "flowgpt", "openai")


class SettingsError(ValueError):
    """A provider setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """Everything the registry needs to build providers."""

    enabled: tuple[str, ...] | None = None
    base_urls: Mapping[str, str] = field(default_factory=dict)
    openai_api_key: str | None = None
    openai_models: tuple[str, ...] = ()
    proxy_url: str | None = None

    def base_url(self, provider: str) -> str | None:
        """The configured base URL of ``provider``, or None for its default."""
        return self.base_urls.get(provider)

    @property
    def openai_configured(self) -> bool:
        """Whether the operator pointed the OpenAI-compatible provider anywhere."""
        return bool(self.openai_api_key or self.base_urls.get("openai") or self.openai_models)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ProviderSettings:
        """Read ``PROVIDERS``, ``*_BASE_URL``, ``OPENAI_*`` and ``PROXY_URL``."""
        env = os.environ if env is None else env
        enabled = split_list(env.get("PROVIDERS", ""))
        for name in enabled:
            if name not in PROVIDER_NAMES:
                raise SettingsError(
                    f"PROVIDERS: unknown provider {name!r}; known: {', '.join(PROVIDER_NAMES)}")
        base_urls: dict[str, str] = {}
        for name in PROVIDER_NAMES:
            variable = f"{name.upper()}_BASE_URL"
            value = env.get(variable, "").strip()
            if value:
                if not value.startswith(("http://", "https://")):
                    raise SettingsError(f"{variable}: must start with http:// or https://")
                base_urls[name] = value.rstrip("/")
        return cls(
            enabled=tuple(enabled) or None,
            base_urls=base_urls,
            openai_api_key=env.get("OPENAI_API_KEY", "").strip() or None,
            openai_models=tuple(split_list(env.get("OPENAI_MODELS", ""), lower=False)),
            proxy_url=env.get("PROXY_URL", "").strip() or None,
        )


def split_list(value: str, *, lower: bool = True) -> list[str]:
    """Split a comma-separated setting, dropping blanks and duplicates."""
    items: list[str] = []
    for raw in value.split(","):
        item = raw.strip().lower() if lower else raw.strip()
        if item and item not in items:
            items.append(item)
    return items
