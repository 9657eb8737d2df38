"""Error translation and session plumbing of ``providers.transport``, without a network."""

from __future__ import annotations

import email.utils
import types

import aiohttp
import pytest
from aiohttp_socks import ProxyConnector

from providers import http_errors
from providers.errors import (
    AccessDenied,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    RequestRejected,
)
from providers.http_errors import body_excerpt, http_error, looks_like_challenge, parse_retry_after
from providers.transport import Timeouts, create_session, is_socks
from providers.vitalentum import Vitalentum

CHALLENGE_PAGE = """<!DOCTYPE html><html lang="en-US"><head>
<title>Just a moment...</title><meta http-equiv="refresh" content="390">
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>
</head><body><div id="cf-chl-widget">Checking your browser before accessing.</div></body></html>
"""
NOW = 1_800_000_000.0


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """``http_errors`` sees a fixed wall clock (for HTTP-date ``Retry-After``)."""
    monkeypatch.setattr(http_errors, "time", types.SimpleNamespace(time=lambda: NOW))


@pytest.mark.parametrize(("status", "kind"), [
    (400, RequestRejected), (404, RequestRejected), (401, AccessDenied), (403, AccessDenied),
    (429, RateLimited), (500, ProviderUnavailable), (502, ProviderUnavailable),
    (503, ProviderUnavailable),
])
def test_status_maps_to_the_error_tree(status: int, kind: type[ProviderError]) -> None:
    error = http_error("flowgpt", status, {}, "something went wrong")
    assert type(error) is kind
    assert error.status == status
    assert error.provider == "flowgpt"
    assert str(error) == f"flowgpt: HTTP {status}: something went wrong"


def test_challenge_page_is_reported_as_a_block() -> None:
    error = http_error("vitalentum", 403, {}, CHALLENGE_PAGE)
    assert isinstance(error, AccessDenied)
    assert str(error) == "vitalentum: HTTP 403: blocked by an anti-bot challenge page"


def test_rate_limit_carries_retry_after_seconds() -> None:
    error = http_error("openai", 429, {"Retry-After": "12"}, "")
    assert isinstance(error, RateLimited)
    assert error.retry_after == 12.0
    assert str(error) == "openai: HTTP 429"


@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize(("value", "seconds"), [
    ("7", 7.0), (" 1.5 ", 1.5), ("-3", 0.0),
    (email.utils.formatdate(NOW + 120, usegmt=True), 120.0),
    (email.utils.formatdate(NOW - 120, usegmt=True), 0.0),
    (None, None), ("", None), ("soon", None), ("Mon, 99 Foo 2024", None),
])
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


@pytest.mark.parametrize(("body", "excerpt"), [
    ('{"error": {"message": "Incorrect API key provided", "type": "auth"}}',
     "Incorrect API key provided"),
    ('{"error": "quota exceeded"}', "quota exceeded"),
    ('[{"error": {"code": 400, "message": "Unknown name \\"stream_options\\""}}]',
     'Unknown name "stream_options"'),
    ('{"detail": "Not Found"}', "Not Found"),
    ('{"message": "busy"}', "busy"),
    ('{"error": {"code": 5}}', '{"error": {"code": 5}}'),
    ("<html><head><title> 502 Bad\n Gateway </title></head><body>nginx</body></html>",
     "502 Bad Gateway"),
    ("<html><body><h1>Service</h1> <p>down</p></body></html>", "Service down"),
    ("  plain\n\ntext  ", "plain text"),
    ("", ""),
    ("x" * 500, "x" * 200),
])
def test_body_excerpt_is_the_readable_part(body: str, excerpt: str) -> None:
    assert body_excerpt(body) == excerpt


def test_challenge_detection_needs_markup() -> None:
    assert looks_like_challenge(CHALLENGE_PAGE)
    assert not looks_like_challenge("please solve the captcha")  # plain text, not a page
    assert not looks_like_challenge("<html><title>403 Forbidden</title></html>")


@pytest.mark.parametrize(("proxy", "socks"), [
    ("socks5://127.0.0.1:1080", True), ("SOCKS5H://host:1", True), ("socks4://h:1", True),
    ("http://proxy:8080", False), ("https://proxy:8443", False), (None, False), ("", False),
])
def test_is_socks(proxy: str | None, socks: bool) -> None:
    assert is_socks(proxy) is socks


async def test_socks_proxy_gets_a_socks_connector() -> None:
    async with create_session("socks5://127.0.0.1:1080") as session:
        assert isinstance(session.connector, ProxyConnector)


async def test_a_provider_refuses_a_socks_proxy_of_its_own() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(ValueError, match="SOCKS proxy belongs to the session"):
            Vitalentum(session, proxy="socks5://127.0.0.1:1080")


def test_socket_timeouts_are_a_looser_backstop_without_a_total() -> None:
    # The progress clock enforces ``read``; the socket timer only catches what it cannot.
    timeout = Timeouts(connect=3, read=4).client_timeout()
    assert (timeout.total, timeout.sock_connect, timeout.sock_read) == (None, 3, 8)
