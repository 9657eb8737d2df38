"""Provider listings for /model and /providers."""

from __future__ import annotations

from datetime import datetime

from bot.services.providers import ProviderControl, ProviderStatus
from bot.texts import t


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
