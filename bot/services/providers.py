"""Bot-wide provider control: which are enabled, the default choice, and their health."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from bot.coordination.base import SettingsBus
from bot.db import ProviderStateRepository, Sessions, SettingsRepository
from bot.db.models import MODEL_NAME_MAX
from providers.base import Provider
from providers.errors import ModelNotSupported, ProviderError
from providers.fallback import Attempt
from providers.health import HealthReport, check_all
from providers.registry import Choice, ChoiceError, ProviderRegistry

log = logging.getLogger(__name__)

DEFAULT_PROVIDER_KEY = "default_provider"
PREPARE_SECONDS = 10
DEFAULT_MODEL_KEY = "default_model"


async def record_health(states: ProviderStateRepository, answered: str | None,
                        first_piece_ms: int | None, failures: list[ProviderError]) -> None:
    """Store the last success and the failures of the providers one request used.

    Rows are written in name order: two answers that fell back in opposite
    directions (X→Y and Y→X) would otherwise lock them in opposite orders and
    deadlock on PostgreSQL.
    """
    errors = {f.provider: str(f.message)[:500] for f in failures if f.provider}
    for name in sorted({*errors, *([answered] if answered else [])}):
        if name in errors:
            await states.record_error(name, errors[name])
        if name == answered:
            await states.record_ok(answered, first_piece_ms)


class NoProviderEnabled(Exception):
    """Every provider is switched off."""


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    """What ``/providers`` shows for one provider."""

    name: str
    enabled: bool
    last_ok_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    first_piece_ms: int | None


class ProviderControl:
    """Holds the enabled set and the default; persists every change and tells every worker.

    Each worker keeps a copy in memory (read on every answer); a change is
    committed first, then announced on the settings bus, and every worker
    (this one included) reloads its copy.
    """

    def __init__(
        self,
        registry: ProviderRegistry,
        db: Sessions,
        *,
        default_provider: str | None = None,
        default_model: str | None = None,
        bus: SettingsBus | None = None,
    ) -> None:
        self.registry = registry
        self._db = db
        self._disabled: set[str] = set()
        self._configured_default = (default_provider, default_model)
        self._default: tuple[str | None, str | None] = self._configured_default
        self._bus = bus
        if bus is not None:
            bus.listen(self.reload)

    async def load(self) -> None:
        """Read persisted admin choices, and ask OpenAI-compatible servers for their models."""
        await self.reload()
        for candidate in self.registry:
            await self._prepare(candidate)

    async def reload(self) -> None:
        """Read the persisted switches and default again (another worker changed them)."""
        async with self._db.read() as session:
            states = await ProviderStateRepository(session).all()
            stored = SettingsRepository(session)
            provider = await stored.get(DEFAULT_PROVIDER_KEY)
            model = await stored.get(DEFAULT_MODEL_KEY)
        self._disabled = {name for name, state in states.items() if not state.enabled}
        self._default = (provider, model) if provider in self.registry \
            else self._configured_default

    @staticmethod
    async def _prepare(provider: Provider) -> None:
        # Startup should not hang on a server that does not answer; chats still work
        # (any model name is passed through) until a later /providers check.
        try:
            async with asyncio.timeout(PREPARE_SECONDS):
                await provider.prepare()
        except TimeoutError:
            log.warning("%s did not answer within %s s at startup", provider.name,
                        PREPARE_SECONDS)
        except ProviderError as exc:
            log.warning("%s could not be prepared: %s", provider.name, exc)

    @property
    def enabled(self) -> list[str]:
        """Enabled providers, in fallback order."""
        return [name for name in self.registry.names if name not in self._disabled]

    def is_enabled(self, name: str) -> bool:
        """Whether ``name`` is configured and not switched off."""
        return name in self.registry and name not in self._disabled

    def default_choice(self) -> Choice:
        """The bot-wide default; falls back to the first enabled provider's default model."""
        provider, model = self._default
        if provider and self.is_enabled(provider):
            try:
                return Choice(provider, _stored(self.registry.get(provider), model))
            except ModelNotSupported:
                log.warning("default model %r of %s is not offered; using its default",
                            model, provider)
        for name in self.enabled:
            try:
                return Choice(name, self.registry.get(name).get_model(None))
            except ModelNotSupported:
                continue
        raise NoProviderEnabled

    def choice_for(self, provider: str | None, model: str | None) -> Choice:
        """A chat's stored choice if it is still usable, else the default."""
        if provider and self.is_enabled(provider):
            try:
                return Choice(provider, _stored(self.registry.get(provider), model))
            except ModelNotSupported:
                pass
        return self.default_choice()

    def resolve(self, spec: str) -> Choice:
        """Parse an admin's or user's ``provider[:model]`` among enabled providers."""
        try:
            choice = self.registry.resolve(spec)
        except ModelNotSupported as exc:
            raise ChoiceError(str(exc)) from exc
        if not self.is_enabled(choice.provider):
            raise ChoiceError(f"{choice.provider} is switched off")
        if len(choice.model) > MODEL_NAME_MAX:  # a provider that takes any name took this one
            raise ChoiceError(f"a model name has at most {MODEL_NAME_MAX} characters")
        return choice

    def attempts(self, choice: Choice) -> list[Attempt]:
        """The chosen provider first, then every other enabled one with its default model."""
        provider = self.registry.get(choice.provider)
        # The choice is resolved already, and resolving is not idempotent where a default
        # is also an alias's name (AI365VIP): the default goes as "no model given".
        model = None if choice.model == provider.default_model else choice.model
        first = Attempt(provider, model)
        rest = [Attempt(self.registry.get(name)) for name in self.enabled
                if name != choice.provider]
        return [first, *rest]

    async def set_enabled(self, name: str, enabled: bool) -> None:
        """Switch a provider on or off, bot-wide."""
        self.registry.get(name)  # unknown names raise ChoiceError
        if not enabled and self.enabled == [name]:
            raise NoProviderEnabled
        async with self._db.write() as session, session.begin():
            await ProviderStateRepository(session).set_enabled(name, enabled)
        (self._disabled.discard if enabled else self._disabled.add)(name)
        await self._announce()

    async def set_default(self, choice: Choice) -> None:
        """Make ``choice`` the default for chats that chose nothing."""
        async with self._db.write() as session, session.begin():
            stored = SettingsRepository(session)
            await stored.set(DEFAULT_PROVIDER_KEY, choice.provider)
            await stored.set(DEFAULT_MODEL_KEY, choice.model)
        self._default = (choice.provider, choice.model)
        await self._announce()

    async def _announce(self) -> None:
        if self._bus is not None:
            await self._bus.announce()

    async def record(self, answered: str | None, first_piece_ms: int | None,
                     failures: list[ProviderError]) -> None:
        """Remember a check's outcome (answers record theirs with :func:`record_health`)."""
        async with self._db.write() as session, session.begin():
            await record_health(ProviderStateRepository(session), answered, first_piece_ms,
                                failures)

    async def check(self, timeout: float = 30.0) -> list[HealthReport]:
        """Run a live check of every configured provider and record the results."""
        reports = await check_all(self.registry, timeout=timeout)
        for report in reports:
            ms = round(report.first_piece_seconds * 1000) if report.first_piece_seconds else None
            await self.record(report.provider if report.ok else None, ms,
                              [report.error] if report.error else [])
        return reports

    async def statuses(self) -> list[ProviderStatus]:
        """Every configured provider with its stored state."""
        async with self._db.read() as session:
            states = await ProviderStateRepository(session).all()
        result = []
        for name in self.registry.names:
            state = states.get(name)
            result.append(ProviderStatus(
                name=name, enabled=self.is_enabled(name),
                last_ok_at=state.last_ok_at if state else None,
                last_error_at=state.last_error_at if state else None,
                last_error=state.last_error if state else None,
                first_piece_ms=state.first_piece_ms if state else None,
            ))
        return result


def _stored(provider: Provider, model: str | None) -> str:
    """A stored model name as it was chosen: resolved when it was stored, so a name the
    provider offers is kept as it is (AI365VIP's default is also an alias's name); other
    names (and none) are resolved as the provider does.
    """
    if model and model in provider.models:
        return model
    return provider.get_model(model)
