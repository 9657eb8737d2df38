"""Name → provider, built from settings; parsing of ``provider:model`` choices."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import aiohttp

from providers.ai365vip import AI365VIP
from providers.base import Provider
from providers.codelinkava import CodeLinkAva
from providers.flowgpt import FlowGpt
from providers.openai import OpenAICompatible
from providers.settings import ProviderSettings, is_builtin
from providers.transport import Timeouts
from providers.vitalentum import Vitalentum

PROVIDER_CLASSES: Mapping[str, type[Provider]] = {
    cls.name: cls for cls in (Vitalentum, AI365VIP, CodeLinkAva, FlowGpt, OpenAICompatible)
}
"""The built-in protocols by name, and ``openai``: the class of all OpenAI-compatible endpoint."""


class ChoiceError(LookupError):
    """A provider or model name that does not identify anything configured."""


@dataclass(frozen=True, slots=True)
class Choice:
    """A provider and one of its models (resolved)."""

    provider: str
    model: str

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"


class ProviderRegistry:
    """The configured providers, in fallback order."""

    def __init__(self, providers: Mapping[str, Provider]) -> None:
        self._providers = dict(providers)

    @classmethod
    def from_settings(
        cls,
        session: aiohttp.ClientSession,
        settings: ProviderSettings,
        *,
        timeouts: Timeouts | None = None,
    ) -> ProviderRegistry:
        """Build every enabled provider; ``PROVIDERS`` unset means all configured ones.

        A name that is not a built-in protocol is an OpenAI-compatible endpoint of
        that name (:class:`~providers.settings.SettingsError` when it has no base URL).
        """
        names = settings.enabled or settings.default_order()
        return cls({name: build(session, settings, name, timeouts) for name in names})

    @property
    def names(self) -> tuple[str, ...]:
        """Provider names in fallback order."""
        return tuple(self._providers)

    def __iter__(self) -> Iterator[Provider]:
        return iter(self._providers.values())

    def __len__(self) -> int:
        return len(self._providers)

    def __contains__(self, name: object) -> bool:
        return name in self._providers

    def get(self, name: str) -> Provider:
        """The provider called ``name``; :class:`ChoiceError` lists the others."""
        try:
            return self._providers[name.strip().lower()]
        except KeyError:
            raise ChoiceError(
                f"unknown provider {name!r}; available: {', '.join(self.names)}") from None

    def resolve(self, spec: str) -> Choice:
        """Parse ``provider``, ``provider:model`` or a model name that only one provider has."""
        text = spec.strip()
        head, sep, tail = text.partition(":")
        if head.lower() in self._providers:
            provider = self._providers[head.lower()]
            return Choice(provider.name, provider.get_model(tail if sep else None))
        owners = [p for p in self if text in p.models or text in p.model_aliases]
        if len(owners) == 1:
            return Choice(owners[0].name, owners[0].get_model(text))
        if owners:
            names = ", ".join(f"{p.name}:{text}" for p in owners)
            raise ChoiceError(f"{text!r} is offered by several providers; choose one of {names}")
        raise ChoiceError(f"unknown provider or model {text!r}; providers: {', '.join(self.names)}")


def build(session: aiohttp.ClientSession, settings: ProviderSettings, name: str,
          timeouts: Timeouts | None = None) -> Provider:
    """The provider called ``name``: a built-in protocol, or an OpenAI-compatible endpoint."""
    if is_builtin(name):
        return PROVIDER_CLASSES[name].from_settings(session, settings, timeouts=timeouts)
    return OpenAICompatible.from_settings(session, settings, name=name, timeouts=timeouts)
