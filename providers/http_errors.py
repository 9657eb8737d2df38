"""HTTP error answers mapped to the error tree, and their readable excerpts."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from typing import Any

from providers.errors import (
    AccessDenied,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    RequestRejected,
)
from providers.streams import parse_json

_CHALLENGE_MARKERS = ("cf-chl", "challenge-platform", "just a moment", "attention required",
                      "cf-browser-verification", "captcha")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
# The (possibly unterminated) string value of a message field in JSON text.
_CUT_MESSAGE = re.compile(r'"(?:message|detail|msg)"\s*:\s*"((?:[^"\\]|\\.)*)')


def describe(exc: BaseException) -> str:
    """A short human description of a low-level network exception."""
    text = str(exc).strip()
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def http_error(provider: str, status: int, headers: Mapping[str, str], body: str) -> ProviderError:
    """Map an HTTP error status and its body excerpt to the error tree."""
    detail = body_excerpt(body)
    challenge = looks_like_challenge(body)
    message = f"HTTP {status}" + (f": {detail}" if detail else "")
    if status == 429:
        return RateLimited(message, provider=provider, status=status,
                           retry_after=parse_retry_after(headers.get("Retry-After")))
    if status in (401, 403):
        if challenge:
            message = f"HTTP {status}: blocked by an anti-bot challenge page"
        return AccessDenied(message, provider=provider, status=status)
    if status >= 500:
        return ProviderUnavailable(message, provider=provider, status=status)
    return RequestRejected(message, provider=provider, status=status)


def body_excerpt(body: str, limit: int = 200) -> str:
    """The readable part of an error body: a JSON error message, an HTML title, or text."""
    text = body.strip()
    if not text:
        return ""
    try:
        message = _json_error_message(parse_json(text))
    except ValueError:  # not JSON, or JSON cut short by the excerpt's length
        message = _cut_json_message(text)
    if message:
        return message[:limit]
    if text.startswith("<") or "<html" in text[:500].lower():
        title = _TITLE.search(text)
        text = title.group(1) if title else _TAGS.sub(" ", text)
    return " ".join(text.split())[:limit]


def _cut_json_message(text: str) -> str | None:
    """The start of the message of a JSON error body that the excerpt cut short."""
    if not text.startswith(("{", "[")):
        return None
    found = _CUT_MESSAGE.search(text)
    if found is None:
        return None
    escaped = found.group(1)
    for end in range(len(escaped), max(len(escaped) - 6, -1), -1):  # a cut escape sequence
        try:
            value = parse_json(f'"{escaped[:end]}"')
        except ValueError:
            continue
        return value if isinstance(value, str) and value else None
    return None


def _json_error_message(data: Any) -> str | None:
    if isinstance(data, list) and data:  # Google's endpoints wrap the error in a list
        data = data[0]
    if not isinstance(data, dict):
        return None
    error = data.get("error", data)
    if isinstance(error, str):
        return error
    if isinstance(error, dict):
        for key in ("message", "detail", "msg"):
            if isinstance(error.get(key), str):
                return str(error[key])
    for key in ("detail", "message"):
        if isinstance(data.get(key), str):
            return str(data[key])
    return _validation_errors(data.get("detail"))


def _validation_errors(detail: Any) -> str | None:
    """FastAPI's (and so vLLM's) 422 list: ``body.stream_options: Extra inputs ...``."""
    if not isinstance(detail, list):
        return None
    found = [f"{'.'.join(str(p) for p in item.get('loc', ()))}: {item['msg']}"
             for item in detail if isinstance(item, dict) and isinstance(item.get("msg"), str)]
    return "; ".join(found) or None


def looks_like_challenge(body: str) -> bool:
    """Whether an error body is an anti-bot challenge page (Cloudflare and similar)."""
    head = body[:4000].lower()
    return "<" in head and any(marker in head for marker in _CHALLENGE_MARKERS)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
