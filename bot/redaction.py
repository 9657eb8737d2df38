"""Secrets out of everything the bot writes: log lines, tracebacks, one-line errors, replies.

The bot token is part of every Bot API URL, and aiohttp and aiogram quote
URLs and response bodies in their errors (a redirect loop, a proxy's page
that echoes the request); provider keys travel in headers that an upstream
error may echo. Rather than trusting every library's messages, whatever the
bot renders goes through a :class:`Redactor` that knows every configured
secret and replaces it, in plain and URL-encoded form.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from types import TracebackType
from urllib.parse import quote, quote_plus, urlsplit

from pydantic import SecretStr

from bot.config import Settings

HIDDEN = "[redacted]"
SHORTEST_SECRET = 6  # a shorter value would blank out ordinary words and protects little
_SECRET_SUFFIXES = ("_API_KEY", "_TOKEN", "_SECRET", "_PASSWORD")
_TOKEN = re.compile(r"(\d+):(\S+)")  # a bot token: "<bot id>:<secret>"; the id is public

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class Redactor:
    """Replaces every known secret (and its URL-encoded forms) in a text with ``[redacted]``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms = {form for secret in secrets for form in _forms(secret.strip())
                 if len(form) >= SHORTEST_SECRET}
        # The longest first: a secret that contains another is replaced whole.
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, text: str) -> str:
        """``text`` with every secret replaced."""
        return self._pattern.sub(HIDDEN, text) if self._pattern is not None else text

    def __repr__(self) -> str:
        return "Redactor(...)"  # never the secrets themselves


def _forms(secret: str) -> set[str]:
    """The secret as it may appear: plain, or URL-encoded (of a bot token, the secret half)."""
    token = _TOKEN.fullmatch(secret)
    value = token.group(2) if token else secret
    return {value, quote(value, safe=""), quote(value), quote_plus(value)}


def secrets_of(settings: Settings) -> list[str]:
    """Every secret in the settings: secret fields, and passwords inside URLs."""
    found = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
            found.append(value)
        if isinstance(value, str):
            found += _url_password(value)
    return found + settings.endpoint_keys


def secrets_in(environ: Mapping[str, str]) -> list[str]:
    """Secrets in the environment, by name (``BOT_TOKEN``, ``*_API_KEY``…) and in ``*_URL``s."""
    found = []
    for name, value in environ.items():
        upper = name.upper()
        if upper.endswith(_SECRET_SUFFIXES):
            found.append(value)
        elif upper.endswith("_URL"):
            found += _url_password(value)
    return found


def _url_password(value: str) -> list[str]:
    try:
        password = urlsplit(value).password
    except ValueError:  # not a URL at all
        return []
    return [password] if password else []


class RedactingFormatter(logging.Formatter):
    """Wraps a handler's formatter: the message, traceback and stack it renders are redacted.

    The traceback is formatted first and then redacted, and cached on the
    record that way, so no other handler can print it unredacted.
    """

    def __init__(self, inner: logging.Formatter | None, redact: Redactor) -> None:
        super().__init__()
        self._inner = inner or logging.Formatter()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        """The inner formatter's line, with every secret replaced."""
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return self._redact(self._inner.format(record))

    def formatException(self, ei: ExcInfo) -> str:
        """The traceback as the inner formatter renders it, redacted."""
        return self._redact(self._inner.formatException(ei))
