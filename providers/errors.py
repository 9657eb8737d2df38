"""The provider library's one error tree.

Every failure that leaves ``providers`` is one of these; raw ``aiohttp``,
``asyncio.TimeoutError`` and ``json`` exceptions are translated where they
happen (``providers.transport``) and chained with ``from``::

    ProviderError                   any failure of one provider (or of all)
    ├── ModelNotSupported           unknown model, raised before any request
    ├── ProviderUnavailable         connection refused/reset, DNS, HTTP 5xx
    │   ├── ProviderTimeout         connect timeout; no text or reasoning for too long
    │   └── StreamError             the provider reported a failure inside a 200 stream
    ├── RateLimited                 HTTP 429; ``retry_after`` seconds when given
    ├── AccessDenied                HTTP 401/403, challenge pages ("blocked")
    ├── RequestRejected             any other HTTP 4xx
    │   └── ImagesNotSupported      HTTP 400/422 saying the model cannot take the images sent
    ├── ResponseFormatError         a stream line that does not follow the protocol
    │   └── EmptyResponse           the stream ended without a single text piece
    └── AllProvidersFailed          fallback exhausted; ``failures`` lists each one

``ProviderError.kind`` is a short stable word for each class, for logs and
for callers that map failures to user-facing texts. Messages are one line of
at most :data:`MESSAGE_MAX` characters, whatever the server wrote (an error
page can be a megabyte).
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import ClassVar, Final

MESSAGE_MAX: Final = 500
"""Characters an error's message may hold (a list of failures holds a few of them)."""
CODE_MAX: Final = 100


def one_line(text: str, limit: int = MESSAGE_MAX) -> str:
    """``text`` with every run of whitespace made one space, cut to ``limit`` characters."""
    # Only the head can be shown, so only the head is split (a body can be huge).
    line = " ".join(text[:limit * 2].split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


class ProviderError(Exception):
    """Base of every error the provider library raises."""

    kind = "error"
    message_max: ClassVar[int] = MESSAGE_MAX

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status: int | None = None,
    ) -> None:
        message = one_line(message, self.message_max)
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status = status

    def __str__(self) -> str:
        prefix = f"{self.provider}: " if self.provider else ""
        return f"{prefix}{self.message}"


class ModelNotSupported(ProviderError):
    """The requested model is not offered by the provider."""

    kind = "model"

    def __init__(self, model: str, valid: Sequence[str], *, provider: str | None = None) -> None:
        listed = ", ".join(valid) if valid else "(none configured)"
        super().__init__(f"model {model!r} is not supported; valid models: {listed}",
                         provider=provider)
        self.model = model
        self.valid = tuple(valid)


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or answered with a server error."""

    kind = "unavailable"


class ProviderTimeout(ProviderUnavailable):
    """Connecting took too long, or the stream went silent for too long."""

    kind = "timeout"


class StreamError(ProviderUnavailable):
    """The stream itself reported a failure (an ``error`` chunk, ``finish_reason: "error"``).

    The message is the provider's own; ``code`` is its error code when it gave one
    (a number, or a short text: anything else is shortened to one).
    """

    kind = "stream_error"

    def __init__(self, message: str, *, provider: str | None = None,
                 code: object = None) -> None:
        super().__init__(message, provider=provider)
        if not (code is None or isinstance(code, int)):
            code = one_line(code if isinstance(code, str) else reprlib.repr(code), CODE_MAX)
        self.code = code


class RateLimited(ProviderError):
    """The provider answered 429 Too Many Requests."""

    kind = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, provider=provider, status=status)
        self.retry_after = retry_after


class AccessDenied(ProviderError):
    """The provider refused the credentials or blocked the client (401/403)."""

    kind = "access_denied"


class RequestRejected(ProviderError):
    """The provider rejected the request with another 4xx status."""

    kind = "rejected"


class ImagesNotSupported(RequestRejected):
    """The server said the model cannot take the images the request carried (text-only)."""

    kind = "images"


class ResponseFormatError(ProviderError):
    """The response stream does not follow the provider's protocol."""

    kind = "format"


class EmptyResponse(ResponseFormatError):
    """The stream ended normally but carried no text at all."""

    kind = "empty"


class AllProvidersFailed(ProviderError):
    """Every provider of a fallback chain failed before its first text piece."""

    kind = "all_failed"
    message_max = 8 * MESSAGE_MAX  # each failure is bounded already; this bounds their number

    def __init__(self, failures: Sequence[ProviderError]) -> None:
        reasons = "; ".join(str(f) for f in failures) or "no providers configured"
        super().__init__(f"all providers failed: {reasons}")
        self.failures = tuple(failures)
