"""Errors carry a short, one-line message however much the server wrote."""

from __future__ import annotations

import json

import pytest

from providers.errors import (
    MESSAGE_MAX,
    AllProvidersFailed,
    ProviderUnavailable,
    RequestRejected,
    StreamError,
)
from providers.fallback import Attempt, FallbackStream
from tests.fakes.providers import Failure, FakeProviderServer, Raw
from tests.providers import collect_until_error
from tests.providers.conftest import ProviderFactory

HI = [{"role": "user", "content": "hi"}]
HUGE_HTML = "<html><body>" + "<p>Something went wrong\n</p>" * 40_000 + "</body></html>"
HUGE_MESSAGE = "The upstream model failed:\n" + "details " * 100_000  # 800 kB: still one SSE line


def sse_error(error: object) -> Raw:
    """A 200 stream whose only event reports ``error``."""
    return Raw([b'data: {"choices": [{"delta": {"content": ""}}]}\n\n',
                b"data: " + json.dumps({"error": error}).encode() + b"\n\n"])


def assert_short(message: str) -> None:
    """One line, bounded."""
    assert len(message) <= MESSAGE_MAX
    assert "\n" not in message
    assert "\r" not in message


@pytest.mark.parametrize(("status", "kind"), [(400, RequestRejected),
                                              (502, ProviderUnavailable)])
async def test_a_huge_html_error_page(
    server: FakeProviderServer, make_provider: ProviderFactory, status: int,
    kind: type[Exception],
) -> None:
    server.script("openai", Failure(status, HUGE_HTML, content_type="text/html"))
    _, error = await collect_until_error(make_provider("openai").stream(HI))
    assert type(error) is kind
    assert_short(error.message)
    assert error.message.startswith(f"HTTP {status}: Something went wrong Something")


async def test_a_huge_json_error_message(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Failure(400, json.dumps({"error": {"message": HUGE_MESSAGE}}),
                                    content_type="application/json"))
    _, error = await collect_until_error(make_provider("openai").stream(HI))
    assert type(error) is RequestRejected
    assert_short(error.message)
    assert error.message.startswith("HTTP 400: The upstream model failed: details details")


@pytest.mark.parametrize("error", [
    {"message": HUGE_MESSAGE, "code": 502},
    {"metadata": {"raw": HUGE_MESSAGE}, "code": "x" * 10_000},
    HUGE_MESSAGE,
], ids=["message", "object", "string"])
async def test_a_huge_error_inside_the_stream(
    server: FakeProviderServer, make_provider: ProviderFactory, error: object
) -> None:
    server.script("openai", sse_error(error))
    _, failure = await collect_until_error(make_provider("openai").stream(HI))
    assert type(failure) is StreamError
    assert_short(failure.message)
    assert str(failure) == f"openai: {failure.message}"
    assert len(repr(failure.code)) <= MESSAGE_MAX


async def test_every_failure_of_a_fallback_stays_readable(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", sse_error({"message": HUGE_MESSAGE}))
    server.script("flowgpt", Failure(503, HUGE_HTML, content_type="text/html"))
    stream = FallbackStream([Attempt(make_provider("openai")), Attempt(make_provider("flowgpt"))],
                            HI)
    _, error = await collect_until_error(stream)
    assert type(error) is AllProvidersFailed
    assert "openai: The upstream model failed" in error.message
    assert "flowgpt: HTTP 503: Something went wrong" in error.message
    assert "\n" not in error.message
    assert len(error.message) <= 2 * MESSAGE_MAX + 100
