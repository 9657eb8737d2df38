"""Health checks: a tiny answer per provider, failures reported rather than raised."""

from __future__ import annotations

import asyncio
from typing import Any

from providers.errors import AccessDenied, ProviderTimeout, ProviderUnavailable
from providers.health import HealthReport, check_all, check_provider
from tests.fakes.providers import Answer, Failure, FakeProviderServer, Hang, every, last_user_text
from tests.providers.conftest import ProviderFactory


async def test_a_working_provider(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("flowgpt", "OK")
    report = await check_provider(make_provider("flowgpt"))
    assert report.provider == "flowgpt"
    assert report.ok
    assert report.error is None
    assert report.first_piece_seconds is not None
    assert report.first_piece_seconds >= 0
    assert report.summary == "ok"
    assert last_user_text(server.requests[0].json) == "Say OK."


async def test_a_failing_provider_is_reported_not_raised(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("vitalentum", Failure(503, "maintenance until noon"))
    report = await check_provider(make_provider("vitalentum"))
    assert not report.ok
    assert report.first_piece_seconds is None
    assert isinstance(report.error, ProviderUnavailable)
    assert report.summary == "HTTP 503: maintenance until noon"


async def test_a_silent_provider_times_out_and_is_hung_up_on(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("ai365vip", Hang())
    report = await check_provider(make_provider("ai365vip"), timeout=0.2)
    assert not report.ok
    assert isinstance(report.error, ProviderTimeout)
    assert report.summary == "no answer within 0.2 s"
    assert isinstance(report.error.__cause__, TimeoutError)
    (record,) = server.requests
    await record.finished.wait()
    assert record.outcome == "disconnected"


async def test_the_check_stops_at_the_first_piece(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("codelinkava", Answer("OK " * 200, chunks=every(300), hold_after=1))
    report = await check_provider(make_provider("codelinkava"))
    assert report.ok
    (record,) = server.requests
    await record.finished.wait()
    assert record.outcome == "disconnected"  # the rest was never waited for


async def test_openai_without_a_model_list_discovers_one_first(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.models = ["tiny-model"]
    server.script("openai", "OK")
    report = await check_provider(make_provider("openai", models=()))
    assert report.ok
    listing, chat = server.requests
    assert (listing.method, listing.path) == ("GET", "/openai/models")
    assert chat.json["model"] == "tiny-model"


async def test_openai_discovery_failure_is_the_reported_reason(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.models = Failure(401, '{"error": {"message": "invalid key"}}')
    report = await check_provider(make_provider("openai", models=()))
    assert isinstance(report.error, AccessDenied)
    assert report.summary == "HTTP 401: invalid key"


async def test_check_all_runs_concurrently_and_keeps_the_order(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    # vitalentum answers only once flowgpt has been asked: checked one after the other,
    # vitalentum would time out.
    flowgpt_asked = asyncio.Event()

    def flowgpt_answer(body: Any) -> str:
        flowgpt_asked.set()
        return "OK"

    server.script("vitalentum", Answer("OK", hold_after=0, release=flowgpt_asked))
    server.script("flowgpt", flowgpt_answer)
    server.script("ai365vip", Failure(502, "bad gateway"))
    reports = await check_all(
        [make_provider(n) for n in ("vitalentum", "ai365vip", "flowgpt")], timeout=5.0)
    assert [r.provider for r in reports] == ["vitalentum", "ai365vip", "flowgpt"]
    assert [r.ok for r in reports] == [True, False, True]
    assert all(isinstance(r, HealthReport) for r in reports)


async def test_check_all_of_nothing() -> None:
    assert await check_all([]) == []
