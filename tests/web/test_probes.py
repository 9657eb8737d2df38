"""Health, readiness and metrics as a load balancer, an orchestrator and Prometheus see them."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.config import load_settings
from bot.metrics import Metrics
from bot.web import WebServer
from tests.fakes.local_server import closed_port
from tests.web.conftest import PATH, SECRET, StartServer, Updates, always_ready

TOKEN = "1:" + "x" * 35  # well formed; these settings never reach Telegram


async def status(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url) as response:
        return response.status


async def test_healthz_answers_while_the_process_serves(start_server: StartServer,
                                                        http: aiohttp.ClientSession) -> None:
    running = await start_server()
    assert await status(http, running.url + "/healthz") == 200
    running.server.begin_shutdown()
    assert await status(http, running.url + "/healthz") == 200


async def test_readyz_follows_the_dependencies_and_tells_why_only_in_the_log(
        start_server: StartServer, http: aiohttp.ClientSession,
        caplog: pytest.LogCaptureFixture) -> None:
    database_up = True
    failure = ("connection to postgresql+asyncpg://bot:pw@db.internal:5432/bot refused\n"
               "[SQL: SELECT 1]")

    async def check() -> None:
        if not database_up:
            raise ConnectionRefusedError(failure)

    running = await start_server(ready=check)
    assert await status(http, running.url + "/readyz") == 200
    database_up = False
    with caplog.at_level(logging.WARNING, logger="bot.web.probes"):
        async with http.get(running.url + "/readyz") as response:
            assert response.status == 503
            assert await response.text() == "not ready"
    assert [r.getMessage() for r in caplog.records] == [
        "not ready: connection to postgresql+asyncpg://bot:pw@db.internal:5432/bot refused"]
    database_up = True
    assert await status(http, running.url + "/readyz") == 200


async def test_a_dependency_that_hangs_is_not_ready(start_server: StartServer,
                                                    http: aiohttp.ClientSession) -> None:
    running = await start_server(ready=asyncio.Event().wait, ready_timeout=0.1)
    async with asyncio.timeout(10):
        assert await status(http, running.url + "/readyz") == 503


async def test_from_the_start_of_shutdown_readyz_and_the_webhook_answer_503(
        start_server: StartServer, http: aiohttp.ClientSession, updates: Updates) -> None:
    running = await start_server()
    assert await status(http, running.url + "/readyz") == 200
    running.server.begin_shutdown()
    assert await status(http, running.url + "/readyz") == 503
    async with http.post(running.url + PATH, json={"update_id": 7},
                         headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
        assert response.status == 503
    assert updates.received == []
    assert await status(http, running.url + "/healthz") == 200


async def test_metrics_are_served_as_prometheus_text(start_server: StartServer,
                                                     http: aiohttp.ClientSession) -> None:
    running = await start_server()
    running.metrics.update("message")
    async with http.get(running.url + "/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    families = {family.name: family for family in text_string_to_metric_families(text)}
    assert {"bot_updates", "bot_answers", "bot_first_piece_seconds", "bot_answer_seconds",
            "bot_telegram_calls", "bot_provider_errors", "bot_active_answers",
            "bot_waiting_questions"} <= set(families)
    [sample] = families["bot_updates"].samples
    assert (sample.name, sample.labels, sample.value) == ("bot_updates_total",
                                                          {"type": "message"}, 1.0)


async def test_without_a_webhook_only_the_probes_are_served(start_server: StartServer,
                                                            http: aiohttp.ClientSession) -> None:
    running = await start_server(webhook=False)
    assert await status(http, running.url + "/healthz") == 200
    async with http.post(running.url + "/telegram/webhook", json={}) as response:
        assert response.status == 404


async def test_the_settings_choose_address_webhook_path_and_secret(
        http: aiohttp.ClientSession, updates: Updates) -> None:
    port = closed_port()
    settings = load_settings(_env_file=None, bot_token=TOKEN,
                             webhook_url="https://bot.example.com/tg/hook",
                             webhook_secret=SECRET, http_listen=f"127.0.0.1:{port}")
    server = WebServer.from_settings(settings, metrics=Metrics(), ready=always_ready,
                                     on_update=updates.on_update)
    await server.start()
    try:
        assert server.port == port
        async with http.post(f"http://127.0.0.1:{port}/tg/hook", json={"update_id": 1},
                             headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
            assert response.status == 200
    finally:
        await server.stop()
    assert updates.finished == [{"update_id": 1}]
