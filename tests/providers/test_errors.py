"""Every failure of every protocol surfaces as the library's own error, never a raw one."""

from __future__ import annotations

import asyncio
import email.utils
import json
import types
from collections.abc import AsyncIterator

import aiohttp
import aiohttp_socks
import pytest
from aioresponses import aioresponses

from providers import http_errors
from providers.errors import (
    AccessDenied,
    EmptyResponse,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    RequestRejected,
    ResponseFormatError,
    StreamError,
)
from providers.pieces import ReportedError
from providers.streams import DecodeError
from providers.transport import Timeouts
from tests.fakes.local_server import closed_port
from tests.fakes.providers import (
    CHAT_PATHS,
    PROVIDERS,
    Answer,
    Failure,
    FakeProviderServer,
    Hang,
    Raw,
    every,
)
from tests.providers import collect, collect_until_error
from tests.providers.conftest import ProviderFactory

HI = [{"role": "user", "content": "hi"}]
SHORT = Timeouts(connect=5.0, read=0.2)
# When text must arrive before the silence, leave a loaded machine room to deliver it.
IDLE = Timeouts(connect=5.0, read=0.5)
FRAMED = ("vitalentum", "codelinkava", "flowgpt", "openai")
SSE = ("vitalentum", "codelinkava", "openai")
CHALLENGE_PAGE = """<!DOCTYPE html><html lang="en-US"><head>
<title>Just a moment...</title>
<meta http-equiv="refresh" content="390"><style>body{font-family:system-ui}</style>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8a1b2c3d"></script>
</head><body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>
"""
NOW = 1_800_000_000.0


async def fail(make_provider: ProviderFactory, name: str, **options: object) -> ProviderError:
    """The error ``name`` raises before producing any text."""
    received, error = await collect_until_error(make_provider(name, **options).stream(HI))
    assert received == []
    assert error.provider == name
    assert str(error).startswith(f"{name}: ")
    return error


@pytest.mark.parametrize(("status", "body", "kind"), [
    (400, "bad request: messages missing", RequestRejected),
    (401, "Unauthorized", AccessDenied),
    (403, "Forbidden for your region", AccessDenied),
    (404, "no such route", RequestRejected),
    (500, "Internal Server Error", ProviderUnavailable),
    (502, "Bad Gateway from upstream", ProviderUnavailable),
    (503, "Service Unavailable: maintenance", ProviderUnavailable),
])
@pytest.mark.parametrize("name", PROVIDERS)
async def test_http_error_status(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str,
    status: int, body: str, kind: type[ProviderError],
) -> None:
    server.script(name, Failure(status, body))
    error = await fail(make_provider, name)
    assert type(error) is kind
    assert error.status == status
    assert str(error) == f"{name}: HTTP {status}: {body}"


@pytest.mark.parametrize("name", PROVIDERS)
async def test_html_error_page_is_reduced_to_its_title(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body><hr>nginx</body></html>"
    server.script(name, Failure(502, page, content_type="text/html"))
    error = await fail(make_provider, name)
    assert str(error) == f"{name}: HTTP 502: 502 Bad Gateway"


@pytest.mark.parametrize("name", PROVIDERS)
async def test_cloudflare_challenge_is_reported_as_blocked(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, Failure(403, CHALLENGE_PAGE, content_type="text/html",
                                headers={"cf-mitigated": "challenge", "Server": "cloudflare"}))
    error = await fail(make_provider, name)
    assert isinstance(error, AccessDenied)
    assert error.status == 403
    assert "blocked by an anti-bot challenge page" in str(error)


@pytest.mark.parametrize("name", PROVIDERS)
async def test_challenge_page_arriving_in_pieces_is_still_recognised(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    release = asyncio.Event()
    page = CHALLENGE_PAGE.encode()
    server.script(name, Raw([page[:40], page[40:]], status=403, content_type="text/html",
                            hold_after=1, release=release))
    task = asyncio.create_task(fail(make_provider, name))
    (record,) = await server.wait_for_requests(1)
    await record.holding.wait()  # the client has the first 40 bytes, without the title
    release.set()
    error = await task
    assert isinstance(error, AccessDenied)
    assert "blocked" in str(error)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """``http_errors`` sees a fixed wall clock, for HTTP-date ``Retry-After`` values."""
    monkeypatch.setattr(http_errors, "time", types.SimpleNamespace(time=lambda: NOW))


@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize(("headers", "retry_after"), [
    ({}, None),
    ({"Retry-After": "7"}, 7.0),
    ({"Retry-After": email.utils.formatdate(NOW + 90, usegmt=True)}, 90.0),
    ({"Retry-After": "whenever"}, None),
])
@pytest.mark.parametrize("name", PROVIDERS)
async def test_rate_limited(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str,
    headers: dict[str, str], retry_after: float | None,
) -> None:
    server.script(name, Failure(429, "Too Many Requests", headers=headers))
    error = await fail(make_provider, name)
    assert isinstance(error, RateLimited)
    assert error.status == 429
    assert error.retry_after == retry_after
    assert "Too Many Requests" in str(error)


@pytest.mark.parametrize(("status", "kind", "message"), [
    (401, AccessDenied, "Incorrect API key provided: sk-te**st."),
    (404, RequestRejected, "The model `gpt-9` does not exist"),
    (429, RateLimited, "Rate limit reached for requests"),
    (500, ProviderUnavailable, "The server had an error while processing your request."),
])
async def test_openai_json_error_body_becomes_a_readable_message(
    server: FakeProviderServer, make_provider: ProviderFactory,
    status: int, kind: type[ProviderError], message: str,
) -> None:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error",
                                 "param": None, "code": None}})
    server.script("openai", Failure(status, body, content_type="application/json"))
    error = await fail(make_provider, "openai")
    assert type(error) is kind
    assert str(error) == f"openai: HTTP {status}: {message}"


@pytest.mark.parametrize("name", PROVIDERS)
async def test_connection_refused_is_unavailable(
    session: aiohttp.ClientSession, name: str
) -> None:
    from providers.registry import PROVIDER_CLASSES

    port = closed_port()
    provider = PROVIDER_CLASSES[name](session, base_url=f"http://127.0.0.1:{port}",
                                      timeouts=SHORT)
    received, error = await collect_until_error(provider.stream(HI, model="gpt-3.5-turbo"))
    assert received == []
    assert type(error) is ProviderUnavailable
    assert str(error).startswith(f"{name}: connection failed: ")
    assert isinstance(error.__cause__, aiohttp.ClientConnectorError)


@pytest.mark.parametrize("reply", [Hang(), Answer("late", hold_after=0)],
                         ids=["before-status-line", "after-headers"])
@pytest.mark.parametrize("name", PROVIDERS)
async def test_silence_before_the_first_byte_times_out(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str,
    reply: Hang | Answer,
) -> None:
    server.script(name, reply)
    error = await fail(make_provider, name, timeouts=SHORT)
    assert type(error) is ProviderTimeout
    assert isinstance(error.__cause__, TimeoutError)
    (record,) = server.requests_for(name)
    await record.finished.wait()
    assert record.outcome == "disconnected"  # the client gave up and hung up


@pytest.mark.parametrize("name", PROVIDERS)
async def test_silence_mid_stream_times_out_after_the_partial_text(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, Answer("x" * 600, chunks=every(200), hold_after=1))
    received, error = await collect_until_error(
        make_provider(name, timeouts=IDLE).stream(HI))
    assert received
    assert "".join(received) == "x" * len("".join(received))
    assert type(error) is ProviderTimeout
    assert isinstance(error.__cause__, TimeoutError)


@pytest.mark.parametrize("name", PROVIDERS)
async def test_idle_limit_is_per_chunk_not_per_answer(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    release = asyncio.Event()
    server.script(name, Answer("y" * 600, chunks=every(200), hold_after=1, release=release))
    pieces = make_provider(name, timeouts=Timeouts(connect=5.0, read=5.0)).stream(HI)
    first = await anext(pieces)
    (record,) = server.requests_for(name)
    await record.holding.wait()
    release.set()
    rest = await collect(pieces)
    assert first + "".join(rest) == "y" * 600


@pytest.mark.parametrize("name", PROVIDERS)
async def test_connection_dropped_mid_stream_is_unavailable(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    # Cut once text was read: data unread when a connection drops is lost with it.
    first_text = asyncio.Event()
    server.script(name, Answer("z" * 600, chunks=every(200), cut_after=1,
                               gates={1: first_text}))

    async def noting_text() -> AsyncIterator[str]:
        async for piece in make_provider(name).stream(HI):
            yield piece
            first_text.set()

    received, error = await collect_until_error(noting_text())
    assert received
    assert type(error) is ProviderUnavailable
    assert isinstance(error.__cause__, aiohttp.ClientPayloadError)


MALFORMED = {
    "vitalentum": [b'data: {"choices": [{"delta": {"content": "a"}}]}\n\n', b"data: {oops\n\n"],
    "codelinkava": [b'data: {"choices": [{"delta": {"content": "a"}}]}\n\n', b"data: <b>\n\n"],
    "openai": [b'data: {"choices": [{"delta": {"content": "a"}}]}\n\n', b'data: {"x": \n\n'],
    "flowgpt": [b'{"event": "text", "data": "a"}\n', b"<html>oops</html>\n"],
}


@pytest.mark.parametrize("name", FRAMED)
async def test_malformed_line_is_a_format_error_naming_the_provider(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, Raw(MALFORMED[name]))
    received, error = await collect_until_error(make_provider(name).stream(HI))
    assert received == ["a"]
    assert type(error) is ResponseFormatError
    assert str(error).startswith(f"{name}: malformed response: ")
    assert isinstance(error.__cause__, DecodeError)
    assert isinstance(error.__cause__.__cause__, json.JSONDecodeError)


@pytest.mark.parametrize("name", SSE)
async def test_event_of_the_wrong_shape_is_a_format_error(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, Raw([b'data: {"candidates": []}\n\n']))
    error = await fail(make_provider, name)
    assert type(error) is ResponseFormatError
    assert "no 'choices' list" in str(error)


async def test_ai365vip_has_no_framing_to_break(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("ai365vip", Raw([b"data: {oops\n\n", b"<html>"], content_type="text/plain"))
    assert "".join(await collect(make_provider("ai365vip").stream(HI))) == "data: {oops\n\n<html>"


@pytest.mark.parametrize("reply", [Raw([]), Answer("")], ids=["empty-body", "no-text"])
@pytest.mark.parametrize("name", PROVIDERS)
async def test_empty_answer(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str, reply: Raw | Answer
) -> None:
    server.script(name, reply)
    error = await fail(make_provider, name)
    assert type(error) is EmptyResponse
    assert str(error) == f"{name}: the answer was empty"


@pytest.mark.parametrize("name", SSE)
async def test_error_object_in_the_stream_is_unavailable(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, Raw([
        b'data: {"choices": [{"delta": {"content": "part"}}]}\n\n',
        b'data: {"error": {"message": "upstream overloaded", "code": 529}}\n\n',
    ]))
    received, error = await collect_until_error(make_provider(name).stream(HI))
    assert received == ["part"]
    assert type(error) is StreamError
    assert isinstance(error, ProviderUnavailable)  # a failure like any other, for fallback
    assert str(error) == f"{name}: upstream overloaded"
    assert error.kind == "stream_error"
    assert error.code == 529
    assert isinstance(error.__cause__, ReportedError)


async def test_html_page_with_status_200_is_not_an_answer(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    page = [b"<html>\n<title>Captive portal</title>\n</html>\n"]
    server.script("vitalentum", Raw(page, content_type="text/html"))
    server.script("flowgpt", Raw(page, content_type="text/html"))
    assert type(await fail(make_provider, "vitalentum")) is EmptyResponse
    assert type(await fail(make_provider, "flowgpt")) is ResponseFormatError


@pytest.mark.parametrize(("raised", "kind"), [
    (aiohttp.ConnectionTimeoutError("connect timed out"), ProviderTimeout),
    (aiohttp.SocketTimeoutError("read timed out"), ProviderTimeout),
    (TimeoutError(), ProviderTimeout),
    (aiohttp_socks.ProxyTimeoutError("proxy timed out"), ProviderTimeout),
    (aiohttp.ServerDisconnectedError(), ProviderUnavailable),
    (aiohttp.ClientPayloadError("broken chunk"), ProviderUnavailable),
    (ConnectionResetError(104, "Connection reset by peer"), ProviderUnavailable),
    (aiohttp_socks.ProxyError("general SOCKS server failure", 1), ProviderUnavailable),
    (aiohttp_socks.ProxyConnectionError("couldn't connect to proxy"), ProviderUnavailable),
], ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else "")
@pytest.mark.parametrize("name", PROVIDERS)
async def test_low_level_exceptions_are_translated(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession, name: str,
    raised: BaseException, kind: type[ProviderError],
) -> None:
    from providers.registry import PROVIDER_CLASSES

    aioresponses_mock.post(f"http://{name}.test{CHAT_PATHS[name]}", exception=raised)
    provider = PROVIDER_CLASSES[name](session, base_url=f"http://{name}.test")
    received, error = await collect_until_error(provider.stream(HI, model="gpt-3.5-turbo"))
    assert received == []
    assert type(error) is kind
    assert error.provider == name
    assert error.__cause__ is raised
    assert type(raised).__name__ in str(error)
