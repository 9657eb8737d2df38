"""Provider listings and choice replies for /model and /providers, built to fit one message."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.handlers.listing import fitted, room_for
from bot.services.providers import ProviderControl, ProviderStatus
from bot.streaming.splitting import shorten
from bot.texts import t
from providers.errors import ModelNotSupported
from providers.registry import Choice, ChoiceError

MODELS_LISTED = 10  # per provider in "unknown model" replies; /model's keyboard pages through all
NAME_SHOWN = 200  # longest provider:model shown (some providers take any model name)
REASON_SHOWN = 300  # longest explanation of a refused choice
DETAIL_SHOWN = 80  # of a provider's last error, in /providers


def shown(choice: Choice | str) -> str:
    """A provider:model as replies show it: a very long name is shortened."""
    return shorten(str(choice), NAME_SHOWN)


def choice_problem(error: ChoiceError, language: str) -> str:
    """Why a ``provider:model`` was refused, in one line (never the whole model list)."""
    cause = error.__cause__
    if isinstance(cause, ModelNotSupported):
        provider = cause.provider or "?"
        if not cause.model:
            return t("model_any", language, provider=provider)
        return t("model_not_offered", language, provider=provider, model=shown(cause.model))
    return shorten(str(error), REASON_SHOWN)


def unknown_choice_text(control: ProviderControl, error: ChoiceError, language: str) -> str:
    """The reply to an unknown ``/model NAME``: why, and what there is (shortened to fit)."""
    reason = choice_problem(error, language)
    budget = room_for(t("model_unknown", language, reason=reason, available=""))
    return t("model_unknown", language, reason=reason,
             available=available_text(control, language, budget))


def available_text(control: ProviderControl, language: str, budget: int) -> str:
    """Enabled providers with their first models, in at most ``budget`` UTF-16 units."""
    parts = []
    for name in control.enabled:
        models: Sequence[str] = control.registry.get(name).models
        listed = fitted(models, budget, separator=", ", limit=MODELS_LISTED,
                        more=lambda count: t("more_models", language, count=count)) \
            if models else t("any_model", language)
        parts.append(f"{name} ({listed})")
    return fitted(parts, budget, separator="; ",
                  more=lambda count: t("more_items", language, count=count)) or "-"


def status_lines(statuses: list[ProviderStatus], default: str, language: str, *,
                 details: Callable[[str], str] | None) -> str:
    """The /providers listing, shortened to fit.

    ``details`` prepares a provider's last error for display (it redacts
    secrets); None leaves the errors' text out, saying where to see it.
    """
    header = t("providers_header", language, default=shown(default))
    lines = []
    for s in statuses:
        error = _when(s.last_error_at, language)
        if details is not None and s.last_error and s.last_error_at:
            error += f" ({shorten(details(s.last_error), DETAIL_SHOWN)})"
        lines.append(t(
            "providers_line", language, mark="✅" if s.enabled else "⛔", name=s.name,
            state=t("providers_enabled" if s.enabled else "providers_disabled", language),
            ok=_when(s.last_ok_at, language), error=error,
            ttfp=f"{s.first_piece_ms} ms" if s.first_piece_ms is not None else "-"))
    withheld = details is None and any(s.last_error and s.last_error_at for s in statuses)
    note = t("providers_private_details", language) if withheld else ""
    budget = room_for("\n".join((header, "", note)))
    listing = fitted(lines, budget, separator="\n",
                     more=lambda count: t("more_items", language, count=count))
    return "\n".join(part for part in (header, listing, note) if part)


def _when(moment: datetime | None, language: str) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else t("never", language)
