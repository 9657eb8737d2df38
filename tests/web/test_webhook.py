"""The webhook as Telegram (and strangers) reach it over HTTP."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest

from tests.web.conftest import PATH, SECRET, StartServer, Updates

UPDATE = {"update_id": 1001, "message": {"message_id": 1, "date": 0, "text": "hi",
                                         "chat": {"id": 5, "type": "private"}}}


def telegram_headers(secret: str = SECRET) -> dict[str, str]:
    return {"X-Telegram-Bot-Api-Secret-Token": secret}


@pytest.mark.parametrize("headers", [{}, telegram_headers("not-the-secret"),
                                     telegram_headers(SECRET + "x"), telegram_headers("")])
async def test_a_request_without_the_secret_is_refused_and_ignored(
        start_server: StartServer, http: aiohttp.ClientSession, updates: Updates,
        headers: dict[str, str]) -> None:
    running = await start_server()
    async with http.post(running.url + PATH, json=UPDATE, headers=headers) as response:
        assert response.status == 401
    assert updates.received == []


async def test_telegrams_update_is_handed_on_and_acknowledged(
        start_server: StartServer, http: aiohttp.ClientSession, updates: Updates) -> None:
    running = await start_server()
    async with http.post(running.url + PATH, json=UPDATE, headers=telegram_headers()) as response:
        assert response.status == 200
    assert updates.finished == [UPDATE]


async def test_a_slow_update_is_acknowledged_at_the_cap_and_finishes_later(
        start_server: StartServer, http: aiohttp.ClientSession, updates: Updates) -> None:
    provider_answered = asyncio.Event()

    async def long_answer() -> None:
        await provider_answered.wait()

    updates.gate = long_answer
    running = await start_server(answer_within=0.2)
    async with asyncio.timeout(10), http.post(running.url + PATH, json=UPDATE,
                                              headers=telegram_headers()) as response:
        assert response.status == 200
    assert updates.received == [UPDATE]
    assert updates.finished == []  # still being handled: the answer has not come
    provider_answered.set()
    async with asyncio.timeout(10):
        await updates.any_finished.wait()
    assert updates.finished == [UPDATE]


async def test_shutdown_waits_for_updates_still_being_handled(
        start_server: StartServer, http: aiohttp.ClientSession, updates: Updates) -> None:
    provider_answered = asyncio.Event()

    async def long_answer() -> None:
        await provider_answered.wait()

    updates.gate = long_answer
    running = await start_server(answer_within=0.05)
    async with http.post(running.url + PATH, json=UPDATE, headers=telegram_headers()) as response:
        assert response.status == 200
    stopping = asyncio.create_task(running.server.stop(grace=10.0))
    await asyncio.sleep(0.1)
    assert not stopping.done()  # the update in hand keeps the stop waiting
    provider_answered.set()
    async with asyncio.timeout(10):
        await stopping
    assert updates.finished == [UPDATE]


async def test_shutdown_cancels_what_outlasts_the_grace(
        start_server: StartServer, http: aiohttp.ClientSession, updates: Updates) -> None:
    updates.gate = asyncio.Event().wait  # never answers
    running = await start_server(answer_within=0.05)
    async with http.post(running.url + PATH, json=UPDATE, headers=telegram_headers()) as response:
        assert response.status == 200
    async with asyncio.timeout(10):
        await running.server.stop(grace=0.1)
    assert updates.cancelled == [UPDATE]


async def test_a_failed_update_is_reported_so_telegram_delivers_it_again(
        start_server: StartServer, http: aiohttp.ClientSession, updates: Updates,
        caplog: pytest.LogCaptureFixture) -> None:
    async def broken() -> None:
        raise RuntimeError("database is gone")

    updates.gate = broken
    running = await start_server()
    async with http.post(running.url + PATH, json=UPDATE, headers=telegram_headers()) as response:
        assert response.status == 500
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]  # logged once
    assert record.getMessage() == "an update could not be handled"
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "database is gone"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"])
async def test_a_body_that_is_not_a_json_object_is_a_bad_request(
        start_server: StartServer, http: aiohttp.ClientSession, updates: Updates,
        body: bytes) -> None:
    running = await start_server()
    async with http.post(running.url + PATH, data=body, headers={
            **telegram_headers(), "Content-Type": "application/json"}) as response:
        assert response.status == 400
    assert updates.received == []


async def test_only_post_reaches_the_webhook(start_server: StartServer,
                                             http: aiohttp.ClientSession) -> None:
    running = await start_server()
    async with http.get(running.url + PATH, headers=telegram_headers()) as response:
        assert response.status == 405


async def test_while_stopping_updates_are_refused_for_later_delivery(
        start_server: StartServer, http: aiohttp.ClientSession, updates: Updates) -> None:
    running = await start_server()
    running.server.begin_shutdown()
    async with http.post(running.url + PATH, json=UPDATE, headers=telegram_headers()) as response:
        assert response.status == 503
    assert updates.received == []
