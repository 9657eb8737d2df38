"""Texts that depend on outcomes: footers, provider failures, provider listings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.services.providers import ProviderControl, ProviderStatus
from bot.services.turns import Outcome, StopReason
from bot.texts import t
from providers.errors import AllProvidersFailed, ProviderError, RateLimited


def footer_for(language: str) -> Callable[[Outcome], str | None]:
    """A function giving the plain last line for an answer that did not end normally."""

    def footer(outcome: Outcome) -> str | None:
        if outcome.stop_reason is StopReason.USER:
            return t("footer_stopped", language)
        if outcome.stop_reason is StopReason.SHUTDOWN:
            return t("footer_shutdown", language)
        if outcome.error is not None:
            return t("footer_interrupted", language, reason=outcome.error.message)
        return None

    return footer


def failure_text(error: ProviderError, language: str) -> str:
    """A friendly explanation of a provider failure, with what to try."""
    provider = error.provider or "?"
    if isinstance(error, AllProvidersFailed):
        details = "\n".join(f"• {f}" for f in error.failures)
        return t("error_all_failed", language, details=details)
    if isinstance(error, RateLimited):
        wait = (t("error_wait", language, seconds=round(error.retry_after))
                if error.retry_after else "")
        return t("error_rate_limited", language, provider=provider, wait=wait)
    key = {
        "timeout": "error_timeout", "unavailable": "error_unavailable",
        "access_denied": "error_access_denied", "format": "error_format",
        "empty": "error_empty", "model": "error_model", "rejected": "error_rejected",
    }.get(error.kind, "error_unavailable")
    return t(key, language, provider=provider, detail=error.message)


def available_text(control: ProviderControl) -> str:
    """Every enabled provider with its models, for "unknown model" replies."""
    parts = []
    for name in control.enabled:
        provider = control.registry.get(name)
        models = ", ".join(provider.models) if provider.models else "any model"
        parts.append(f"{name} ({models})")
    return "; ".join(parts) or "-"


def status_lines(statuses: list[ProviderStatus], default: str, language: str) -> str:
    """The /providers listing."""
    lines = [t("providers_header", language, default=default)]
    for s in statuses:
        lines.append(t(
            "providers_line", language, mark="✅" if s.enabled else "⛔", name=s.name,
            state=t("providers_enabled" if s.enabled else "providers_disabled", language),
            ok=_when(s.last_ok_at, language),
            error=f"{_when(s.last_error_at, language)}"
                  + (f" ({s.last_error[:80]})" if s.last_error and s.last_error_at else ""),
            ttfp=f"{s.first_piece_ms} ms" if s.first_piece_ms is not None else "-"))
    return "\n".join(lines)


def _when(moment: datetime | None, language: str) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else t("never", language)
