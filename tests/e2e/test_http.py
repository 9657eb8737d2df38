"""One real worker's HTTP side as Telegram, a load balancer and Prometheus reach it.

SQLite and no Redis: webhook mode does not need shared state. Telegram's
deliveries come from the fake Bot API through the test balancer (whose
address is known before the worker starts; the worker binds a free port).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.e2e.conftest import USER, World
from tests.e2e.workers import (
    Samples,
    Worker,
    sample,
    scrape,
    scrape_until,
    status_of,
    until,
)
from tests.fakes.balancer import Balancer
from tests.fakes.providers import (
    Answer,
    FakeProviderServer,
    RecordedRequest,
    by_event,
    last_user_text,
)
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.timeout(120)

SECRET = "e2e-Webhook_secret"
HOOK = "/telegram/webhook"


@dataclass
class Site:
    """The fakes, the balancer, and a client for probing the worker."""

    telegram: FakeTelegram
    balancer: Balancer
    env: dict[str, str]
    http: aiohttp.ClientSession
    workers: list[Worker]

    async def start(self, **env: str) -> Worker:
        worker = Worker(f"worker-{len(self.workers) + 1}", {**self.env, **env})
        self.workers.append(worker)
        await worker.start()
        self.balancer.add(worker.url)
        return worker

    async def post(self, worker: Worker, update: dict[str, Any], secret: str | None) -> int:
        """POST an update straight to the worker's webhook, as Telegram (or a stranger) would."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with self.http.post(worker.url + HOOK, json=update, headers=headers) as response:
            return response.status


@pytest.fixture
async def site(world: World, tmp_path: Path) -> AsyncIterator[Site]:
    telegram, providers, env = world
    providers.script("openai", lambda body: f"Answer to: {last_user_text(body)}")
    async with Balancer() as balancer, aiohttp.ClientSession() as http:
        env = {**env, "WEBHOOK_URL": balancer.url + HOOK, "WEBHOOK_SECRET": SECRET,
               "HTTP_LISTEN": "127.0.0.1:0", "PYTHONUNBUFFERED": "1"}
        found = Site(telegram, balancer, env, http, [])
        try:
            yield found
        finally:
            for worker in found.workers:
                await worker.kill()


def answered(samples: Samples) -> float:
    """Answers the default provider completed, by the worker's metrics."""
    return sample(samples, "bot_answers_total", outcome="complete", provider="openai")


def forged_question(update_id: int, text: str) -> dict[str, Any]:
    """A question update that only the test sends (the fake never queues it)."""
    user = {"id": USER, "is_bot": False, "first_name": "User"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_700_000_000, "text": text, "from": user,
        "chat": {"id": USER, "type": "private", "first_name": "User"}}}


async def streaming(providers: FakeProviderServer, worker: Worker) -> RecordedRequest:
    """The first chat request to the provider, once it holds mid-answer."""
    await until(lambda: providers.requests_for("openai", "chat"), "a question asked", [worker])
    request = providers.requests_for("openai", "chat")[0]
    await until(request.holding.is_set, "the provider streaming", [worker])
    return request


async def test_a_webhook_worker_answers_and_reports_what_it_did(site: Site) -> None:
    worker = await site.start()
    telegram = site.telegram
    await until(lambda: telegram.webhook is not None, "the webhook set", [worker])
    [registration] = telegram.calls("setWebhook")
    assert registration.params["url"] == site.balancer.url + HOOK
    assert registration.params["secret_token"] == SECRET
    assert {"message", "callback_query"} <= set(registration.params["allowed_updates"])
    assert registration.params.get("drop_pending_updates") in (None, False)
    assert await status_of(site.http, worker.url + "/healthz") == 200
    assert await status_of(site.http, worker.url + "/readyz") == 200

    telegram.private_message(USER, "first")
    await until(lambda: telegram.visible_texts(USER) == ["Answer to: first"], "an answer",
                [worker])
    first = await scrape_until(site.http, worker, lambda s: answered(s) == 1, "one answer")
    telegram.private_message(USER, "second")
    await until(lambda: telegram.visible_texts(USER)[-1:] == ["Answer to: second"],
                "the second answer", [worker])
    second = await scrape_until(site.http, worker, lambda s: answered(s) == 2, "two answers")
    for samples, count in ((first, 1), (second, 2)):
        assert sample(samples, "bot_updates_total", type="message") == count
        assert sample(samples, "bot_answer_seconds_count") == count
        assert sample(samples, "bot_first_piece_seconds_count") == count
    assert sample(second, "bot_telegram_calls_total", method="sendMessage", result="ok") > \
        sample(first, "bot_telegram_calls_total", method="sendMessage", result="ok") > 0
    assert sample(second, "bot_active_answers") == 0

    assert telegram.calls("getUpdates") == []  # webhook mode never polls
    assert await worker.stop() == 0, worker.log
    assert telegram.webhook is not None  # the other workers keep receiving
    assert telegram.calls("deleteWebhook") == []


async def test_requests_without_the_secret_are_refused_and_never_handled(site: Site) -> None:
    worker = await site.start()
    for update_id, secret in ((900, None), (901, "not-the-secret"), (902, SECRET + "x")):
        assert await site.post(worker, forged_question(update_id, "forged"), secret) == 401
    site.telegram.private_message(USER, "genuine")
    await until(lambda: site.telegram.visible_texts(USER) == ["Answer to: genuine"],
                "the genuine question answered", [worker])
    samples = await scrape(site.http, worker)
    assert sample(samples, "bot_updates_total", type="message") == 1
    assert "forged" not in worker.log


async def test_a_question_gets_200_at_once_and_a_retried_delivery_is_answered_once(
        world: World, site: Site) -> None:
    _, providers, _ = world
    release = asyncio.Event()
    providers.script("openai", Answer("A long answer that takes its time", piece_size=6,
                                      chunks=by_event, hold_after=3, release=release))
    worker = await site.start()
    update = forged_question(700, "take your time")
    try:
        assert await site.post(worker, update, SECRET) == 200
        request = await streaming(providers, worker)
        await until(lambda: site.telegram.visible_texts(USER), "the answer begins", [worker])
        assert not request.finished.is_set()  # the 200 did not wait for the answer

        assert await site.post(worker, update, SECRET) == 200  # a load balancer's retry
        release.set()
        await until(lambda: site.telegram.visible_texts(USER)
                    == ["A long answer that takes its time"], "the whole answer", [worker])
    finally:
        release.set()
    samples = await scrape_until(site.http, worker, lambda s: answered(s) == 1, "one answer")
    assert sample(samples, "bot_updates_total", type="message") == 1
    assert len(providers.requests_for("openai", "chat")) == 1


async def test_a_stopping_worker_is_not_ready_refuses_updates_and_finishes_its_answer(
        world: World, site: Site) -> None:
    _, providers, _ = world
    release = asyncio.Event()
    providers.script("openai", Answer("Finished while the worker stops", piece_size=6,
                                      chunks=by_event, hold_after=3, release=release))
    worker = await site.start(SHUTDOWN_GRACE="30")
    try:
        site.telegram.private_message(USER, "answer me")
        await streaming(providers, worker)
        worker.signal(signal.SIGTERM)
        await until(lambda: "stopping: no new updates" in worker.log, "the stop begun",
                    [worker])
        assert await status_of(site.http, worker.url + "/readyz") == 503
        assert await status_of(site.http, worker.url + "/healthz") == 200
        assert await site.post(worker, forged_question(800, "too late"), SECRET) == 503
        release.set()
        assert await worker.wait() == 0, worker.log
    finally:
        release.set()
    assert site.telegram.visible_texts(USER) == ["Finished while the worker stops"]
    assert "too late" not in worker.log


async def test_a_polling_bot_serves_probes_and_metrics_when_asked(world: World) -> None:
    telegram, providers, env = world
    providers.script("openai", "Polled and answered.")
    worker = Worker("poller", {**env, "HTTP_LISTEN": "127.0.0.1:0"})
    try:
        await worker.start()
        async with aiohttp.ClientSession() as http:
            assert await status_of(http, worker.url + "/readyz") == 200
            telegram.private_message(USER, "hello")
            await until(lambda: telegram.visible_texts(USER) == ["Polled and answered."],
                        "the answer", [worker])
            samples = await scrape_until(http, worker, lambda s: answered(s) == 1, "an answer")
            assert sample(samples, "bot_updates_total", type="message") == 1
            async with http.post(worker.url + HOOK, json={}) as response:
                assert response.status == 404  # no webhook in polling mode
        assert telegram.calls("deleteWebhook")
        assert await worker.stop() == 0, worker.log
    finally:
        await worker.kill()
