"""Live health checks: ask each provider for a tiny answer and time it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass

from providers.base import Provider
from providers.errors import ProviderError, ProviderTimeout


@dataclass(frozen=True, slots=True)
class HealthReport:
    """The outcome of one check."""

    provider: str
    ok: bool
    first_piece_seconds: float | None
    error: ProviderError | None = None

    @property
    def summary(self) -> str:
        """``ok`` or the error's text."""
        return "ok" if self.ok else str(self.error.message if self.error else "error")


async def check_provider(provider: Provider, *, timeout: float = 30.0) -> HealthReport:
    """Time the provider's first piece of a tiny answer; failures are reported, not raised."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            await provider.check()
    except TimeoutError as exc:
        error = ProviderTimeout(f"no answer within {timeout:g} s", provider=provider.name)
        error.__cause__ = exc
        return HealthReport(provider.name, False, None, error)
    except ProviderError as exc:
        return HealthReport(provider.name, False, None, exc)
    return HealthReport(provider.name, True, time.perf_counter() - started)


async def check_all(providers: Iterable[Provider], *, timeout: float = 30.0) -> list[HealthReport]:
    """Check providers concurrently; reports come back in the given order."""
    return list(await asyncio.gather(*(check_provider(p, timeout=timeout) for p in providers)))
