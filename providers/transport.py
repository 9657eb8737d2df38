"""HTTP for providers: the shared session, the streamed POST, and error translation.

This is the one place where ``aiohttp`` and timeout exceptions are caught and
turned into the library's error tree.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp_socks import ProxyConnectionError, ProxyConnector, ProxyError, ProxyTimeoutError

from providers.errors import (
    AccessDenied,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    RequestRejected,
    ResponseFormatError,
)

EXCERPT_BYTES = 2048
_SOCKS_SCHEMES = ("socks4://", "socks5://", "socks4a://", "socks5h://")
_CHALLENGE_MARKERS = ("cf-chl", "challenge-platform", "just a moment", "attention required",
                      "cf-browser-verification", "captcha")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Network time limits of one request, in seconds."""

    connect: float = 10.0
    # Idle limit: waiting for the response head and for every later chunk.
    read: float = 90.0

    def client_timeout(self) -> aiohttp.ClientTimeout:
        """The equivalent aiohttp timeout (no total limit: answers may be long)."""
        return aiohttp.ClientTimeout(total=None, sock_connect=self.connect, sock_read=self.read)


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A provider request, fully built before anything is sent."""

    url: str
    headers: Mapping[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    method: str = "POST"


def is_socks(proxy: str | None) -> bool:
    """Whether a proxy URL needs a SOCKS connector rather than aiohttp's own proxy support."""
    return bool(proxy) and str(proxy).lower().startswith(_SOCKS_SCHEMES)


def create_session(proxy: str | None = None) -> aiohttp.ClientSession:
    """A client session for providers, routed through ``proxy`` (HTTP(S) or SOCKS) if given."""
    if proxy and is_socks(proxy):
        return aiohttp.ClientSession(connector=ProxyConnector.from_url(proxy))
    return aiohttp.ClientSession(proxy=proxy or None)


async def stream_body(
    session: aiohttp.ClientSession,
    request: PreparedRequest,
    *,
    provider: str,
    timeouts: Timeouts,
    proxy: str | None = None,
) -> AsyncGenerator[bytes, None]:
    """Send ``request`` and yield the response body's chunks as they arrive."""
    try:
        async with session.request(
            request.method,
            request.url,
            headers=dict(request.headers),
            json=request.body if request.method == "POST" else None,
            proxy=proxy,
            timeout=timeouts.client_timeout(),
        ) as response:
            if response.status >= 400:
                excerpt = await read_excerpt(response)
                raise http_error(provider, response.status, response.headers,
                                 excerpt.decode("utf-8", errors="replace"))
            async for chunk in response.content.iter_any():
                yield chunk
    except ProviderError:
        raise
    except (TimeoutError, ProxyTimeoutError) as exc:
        raise ProviderTimeout(f"no answer within the time limit ({exc.__class__.__name__})",
                              provider=provider) from exc
    # aiohttp_socks' ProxyConnectionError (a dead SOCKS proxy) is not an OSError.
    except (aiohttp.ClientError, ProxyError, ProxyConnectionError, OSError) as exc:
        raise ProviderUnavailable(f"connection failed: {describe(exc)}", provider=provider) from exc


async def fetch_json(
    session: aiohttp.ClientSession,
    url: str,
    *,
    provider: str,
    headers: Mapping[str, str],
    timeouts: Timeouts,
    proxy: str | None = None,
) -> Any:
    """GET a small JSON document, with the same error translation as streams."""
    body = b""
    request = PreparedRequest(url, headers, method="GET")
    async for chunk in stream_body(session, request, provider=provider, timeouts=timeouts,
                                   proxy=proxy):
        body += chunk
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ResponseFormatError(f"{url} did not answer JSON", provider=provider) from exc


async def read_excerpt(response: aiohttp.ClientResponse) -> bytes:
    """The first ``EXCERPT_BYTES`` of an error body, however many chunks they arrive in."""
    excerpt = b""
    while len(excerpt) < EXCERPT_BYTES:
        chunk = await response.content.read(EXCERPT_BYTES - len(excerpt))
        if not chunk:
            break
        excerpt += chunk
    return excerpt


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
        data = json.loads(text)
    except ValueError:
        data = None
    message = _json_error_message(data)
    if message:
        return message[:limit]
    if text.startswith("<") or "<html" in text[:500].lower():
        title = _TITLE.search(text)
        text = title.group(1) if title else _TAGS.sub(" ", text)
    return " ".join(text.split())[:limit]


def _json_error_message(data: Any) -> str | None:
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
    return None


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


__all__ = [
    "PreparedRequest",
    "Timeouts",
    "create_session",
    "fetch_json",
    "http_error",
    "is_socks",
    "parse_retry_after",
    "stream_body",
]
