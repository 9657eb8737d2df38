"""The one mapping from how an answer ended to what the user is told, in their language.

Users see the *kind* of a provider failure (unavailable, rate-limited with the
wait it asked for, refused, unreadable, unknown model), never an upstream body
or host name: those go to the log, and to ``/providers`` for bot admins.
"""

from __future__ import annotations

from bot.media import FileTooLarge, MediaError, TranscriptionFailed, UnsupportedDocument
from bot.services.outcome import Ending, Outcome
from bot.texts import t
from providers.errors import AllProvidersFailed, ProviderError, RateLimited

_ERROR_TEXTS = {
    "timeout": "error_timeout", "unavailable": "error_unavailable",
    "access_denied": "error_access_denied", "format": "error_format", "empty": "error_empty",
    "model": "error_model", "rejected": "error_rejected", "images": "error_images",
    "stream_error": "error_stream_error",
}
_REASONS = {
    "timeout": "reason_timeout", "unavailable": "reason_unavailable",
    "rate_limited": "reason_rate_limited", "access_denied": "reason_access_denied",
    "rejected": "reason_rejected", "format": "reason_format", "empty": "reason_empty",
    "model": "reason_model", "images": "reason_images", "stream_error": "reason_stream_error",
}


def notice(outcome: Outcome, language: str, *, max_chars: int) -> str | None:
    """The plain lines shown under the answer's text (or alone, when there is none)."""
    lines = [_ending_notice(outcome, language, max_chars=max_chars)]
    if outcome.blind:
        lines.append(t("blind_model", language, provider=outcome.provider or "?"))
    return "\n".join(line for line in lines if line) or None


def _ending_notice(outcome: Outcome, language: str, *, max_chars: int) -> str | None:
    ending = outcome.ending
    if ending is Ending.STOPPED:
        return t("footer_stopped", language)
    if ending is Ending.SHUTDOWN:
        return t("footer_shutdown", language)
    if ending is Ending.CUT:
        return t("footer_cut", language, limit=f"{max_chars:,}".replace(",", " "))
    if ending is Ending.LENGTH:
        return t("footer_length", language)
    if ending is Ending.FILTERED:
        return t("footer_filtered", language)
    if ending is Ending.EMPTY:
        return t("error_empty", language, provider=outcome.provider or "?")
    if ending is Ending.BROKEN:
        return t("apology", language)
    if ending is Ending.NO_PROVIDER:
        return t("no_providers", language)
    if ending is Ending.FAILED and outcome.error is not None:
        return failure_text(outcome.error, language)
    if ending is Ending.INTERRUPTED and outcome.error is not None:
        return t("footer_interrupted", language, reason=reason(outcome.error.kind, language))
    return None


def reason(kind: str, language: str) -> str:
    """A few words saying what a kind of provider failure (``ProviderError.kind``) is."""
    return t(_REASONS.get(kind, "reason_unavailable"), language)


def failure_text(error: ProviderError, language: str) -> str:
    """A friendly explanation of a provider failure, with what to try."""
    if isinstance(error, AllProvidersFailed):
        details = "\n".join(f"• {failure.provider or '?'}: {reason(failure.kind, language)}"
                            for failure in error.failures)
        return t("error_all_failed", language, details=details)
    provider = error.provider or "?"
    if isinstance(error, RateLimited):
        wait = (t("error_wait", language, seconds=round(error.retry_after))
                if error.retry_after else "")
        return t("error_rate_limited", language, provider=provider, wait=wait)
    return t(_ERROR_TEXTS.get(error.kind, "error_unavailable"), language, provider=provider)


_MB = 1024 * 1024


def media_failure(error: MediaError, language: str) -> str:
    """A friendly reply saying why a file could not be used."""
    if isinstance(error, FileTooLarge):
        return t("media_too_large", language, limit=round(error.limit / _MB))
    if isinstance(error, UnsupportedDocument):
        what = error.file_name or error.mime_type or t("this_file", language)
        return t("media_unsupported", language, what=what)
    if isinstance(error, TranscriptionFailed):
        return t("media_transcription", language, reason=reason(error.reason, language))
    key = {"encrypted": "media_encrypted", "no_text": "media_no_text"}.get(error.kind,
                                                                          "media_download")
    return t(key, language)
