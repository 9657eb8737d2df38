"""HTTP for providers: the shared session, the streamed POST, and error translation.

This is the one place where ``aiohttp`` and timeout exceptions are caught and
turned into the library's error tree.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp_socks import ProxyConnectionError, ProxyConnector, ProxyError, ProxyTimeoutError

from providers.errors import (
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    ResponseFormatError,
)
from providers.http_errors import describe, http_error
from providers.progress import ProgressClock
from providers.streams import parse_json

EXCERPT_BYTES = 2048
MAX_JSON_BYTES = 16 * 1024 * 1024  # a model list of a big gateway is well under this
_SOCKS_SCHEMES = ("socks4://", "socks5://", "socks4a://", "socks5h://")


# The socket idle timer is only a backstop behind the progress clock, so it is looser.
BACKSTOP_FACTOR = 2.0


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Network time limits of one request, in seconds."""

    connect: float = 10.0
    # Progress limit: how long the model may produce nothing (no text, no reasoning) —
    # before the response head, before the first piece, or between pieces.
    read: float = 90.0

    def client_timeout(self) -> aiohttp.ClientTimeout:
        """The aiohttp timeout: no total limit (answers may be long), a backstop socket idle."""
        return aiohttp.ClientTimeout(total=None, sock_connect=self.connect,
                                     sock_read=self.read * BACKSTOP_FACTOR)


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a ``multipart/form-data`` body (a file when it has a name)."""

    name: str
    value: bytes | str
    filename: str | None = None
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A provider request, fully built before anything is sent.

    A POST carries ``body`` as JSON, or ``form`` as multipart form data when given.
    """

    url: str
    headers: Mapping[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    method: str = "POST"
    form: tuple[FormField, ...] = ()


def is_socks(proxy: str | None) -> bool:
    """Whether a proxy URL needs a SOCKS connector rather than aiohttp's own proxy support."""
    return bool(proxy) and str(proxy).lower().startswith(_SOCKS_SCHEMES)


def create_session(proxy: str | None = None) -> aiohttp.ClientSession:
    """A client session for providers, routed through ``proxy`` (HTTP(S) or SOCKS) if given."""
    if proxy and is_socks(proxy):
        return aiohttp.ClientSession(connector=ProxyConnector.from_url(proxy))
    return aiohttp.ClientSession(proxy=proxy or None)


def _payload(request: PreparedRequest) -> dict[str, Any]:
    if request.form:
        form = aiohttp.FormData()
        for item in request.form:
            form.add_field(item.name, item.value, filename=item.filename,
                           content_type=item.content_type)
        return {"data": form}
    return {"json": request.body} if request.method == "POST" else {}


async def stream_body(
    session: aiohttp.ClientSession,
    request: PreparedRequest,
    *,
    provider: str,
    timeouts: Timeouts,
    proxy: str | None = None,
    clock: ProgressClock | None = None,
) -> AsyncGenerator[bytes, None]:
    """Send ``request`` and yield the response body's chunks as they arrive.

    Every wait for the server (the response head, each chunk) is bounded by
    ``clock``, which the caller winds up on progress; a new clock of
    ``timeouts.read`` seconds when none is given.
    """
    clock = clock or ProgressClock(timeouts.read)
    try:
        response = await clock.wait(session.request(
            request.method, request.url, headers=dict(request.headers), proxy=proxy,
            timeout=timeouts.client_timeout(), **_payload(request)))
        async with response:
            if response.status >= 400:
                excerpt = await clock.wait(read_excerpt(response))
                raise http_error(provider, response.status, response.headers,
                                 excerpt.decode("utf-8", errors="replace"))
            while chunk := await clock.wait(response.content.readany()):
                yield chunk
    except ProviderError:
        raise
    except (TimeoutError, ProxyTimeoutError) as exc:
        if clock.expired:
            raise ProviderTimeout(f"no text or reasoning for {clock.limit:g} s",
                                  provider=provider) from exc
        raise ProviderTimeout(f"no answer within the time limit ({exc.__class__.__name__})",
                              provider=provider) from exc
    # aiohttp_socks' ProxyConnectionError (a dead SOCKS proxy) is not an OSError.
    except (aiohttp.ClientError, ProxyError, ProxyConnectionError, OSError) as exc:
        raise ProviderUnavailable(f"connection failed: {describe(exc)}", provider=provider) from exc


async def request_json(
    session: aiohttp.ClientSession,
    request: PreparedRequest,
    *,
    provider: str,
    timeouts: Timeouts,
    proxy: str | None = None,
) -> Any:
    """Send ``request`` and parse its JSON answer, with the same error translation as streams.

    Every chunk of the answer counts as progress; the answer is capped at
    ``MAX_JSON_BYTES`` so that a runaway server cannot exhaust memory.
    """
    parts: list[bytes] = []
    size = 0
    clock = ProgressClock(timeouts.read)
    body = stream_body(session, request, provider=provider, timeouts=timeouts, proxy=proxy,
                       clock=clock)
    try:
        async for chunk in body:
            clock.progress()
            size += len(chunk)
            if size > MAX_JSON_BYTES:
                raise ResponseFormatError(f"{request.url} answered more than "
                                          f"{MAX_JSON_BYTES} bytes", provider=provider)
            parts.append(chunk)
    finally:
        await body.aclose()
    try:
        return parse_json(b"".join(parts))
    except ValueError as exc:
        raise ResponseFormatError(f"{request.url} did not answer JSON",
                                  provider=provider) from exc


async def fetch_json(
    session: aiohttp.ClientSession,
    url: str,
    *,
    provider: str,
    headers: Mapping[str, str],
    timeouts: Timeouts,
    proxy: str | None = None,
) -> Any:
    """GET a JSON document (see :func:`request_json`)."""
    return await request_json(session, PreparedRequest(url, headers, method="GET"),
                              provider=provider, timeouts=timeouts, proxy=proxy)


async def read_excerpt(response: aiohttp.ClientResponse) -> bytes:
    """The first ``EXCERPT_BYTES`` of an error body, however many chunks they arrive in."""
    excerpt = b""
    while len(excerpt) < EXCERPT_BYTES:
        chunk = await response.content.read(EXCERPT_BYTES - len(excerpt))
        if not chunk:
            break
        excerpt += chunk
    return excerpt


__all__ = [
    "FormField",
    "PreparedRequest",
    "Timeouts",
    "create_session",
    "fetch_json",
    "is_socks",
    "request_json",
    "stream_body",
]
