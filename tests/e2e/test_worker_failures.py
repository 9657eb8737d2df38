"""Workers that die, restart one by one, or lose their database or Redis, as operators see it.

Real ``python -m bot`` webhook workers on PostgreSQL and Redis behind the test
balancer (see ``test_workers``).
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter

import pytest
from sqlalchemy.engine import make_url

from tests.coordination.proxy import CuttableProxy
from tests.e2e.cluster import REDIS_URL, Cluster, chat_of, cluster, echo, needs_postgres_and_redis
from tests.e2e.conftest import USER
from tests.e2e.workers import Worker, status_of, until
from tests.fakes.providers import Answer, by_event

__all__ = ["cluster"]  # the fixture, used by name

pytestmark = [needs_postgres_and_redis, pytest.mark.timeout(240)]


CRASHED = "⚠️ This answer was interrupted: the bot restarted. Send /retry for a full answer."


async def test_a_worker_killed_mid_answer_is_swept_up_by_another(cluster: Cluster) -> None:
    release = asyncio.Event()
    cluster.providers.script(
        "openai",
        Answer("Half of an answer whose worker never finishes it", piece_size=8,
               chunks=by_event, hold_after=3, release=release),
        "Answered by the worker that stayed.")
    workers = await cluster.start(2)
    telegram = cluster.telegram
    try:
        question = telegram.private_message(USER, "tell me")
        [victim] = await cluster.routed(question)
        await until(lambda: cluster.holding(1), "the answer streaming", workers)
        await _checkpointed(cluster)
        victim.signal(signal.SIGKILL)
        await victim.wait()
        [half] = telegram.messages(USER)
        assert half.reply_markup  # the Stop button: nobody removed it

        await until(lambda: telegram.visible_texts(USER)[0].endswith(CRASHED),
                    "the survivor marking the half-written answer", workers, timeout=90)
        [marked] = telegram.messages(USER)
        assert marked.text.startswith("Half of an")
        assert not marked.reply_markup
        answer = (await cluster.stored(USER))[-1]
        assert (answer.status, answer.error) == ("interrupted", "the bot stopped while answering")

        telegram.private_message(USER, "are you back?")
        await until(lambda: telegram.visible_texts(USER)[-1]
                    == "Answered by the worker that stayed.", "the chat answered again",
                    workers, timeout=90)
    finally:
        release.set()


async def _checkpointed(cluster: Cluster) -> None:
    """Wait until the streaming answer's message is noted in the database (crash recovery)."""
    async with asyncio.timeout(30):
        # The database sends no events: look again every few milliseconds.
        while not any(m.live_message_id for m in await cluster.stored(USER)):  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_a_rolling_restart_loses_no_update_and_doubles_no_answer(cluster: Cluster) -> None:
    cluster.providers.script("openai", Answer(echo, piece_size=4, chunks=by_event, pace=0.01))
    cluster.providers.conversation_of = chat_of
    workers = await cluster.start(2)
    telegram = cluster.telegram
    chats = range(2001, 2011)
    asked: Counter[int] = Counter()
    restarted = asyncio.Event()

    async def keep_asking() -> None:
        while not restarted.is_set():
            for chat in chats:
                asked[chat] += 1
                telegram.private_message(chat, f"c{chat} q{asked[chat]}")
                await asyncio.sleep(0.05)

    asking = asyncio.create_task(keep_asking())
    try:
        for old in list(workers):
            assert await old.stop() == 0, old.log  # SIGTERM while questions keep coming
            cluster.balancer.remove(old.url)  # as the balancer's health check would, later
            await cluster.start(1)
    finally:
        restarted.set()
        await asking

    def answered_once(chat: int) -> bool:
        return Counter(telegram.visible_texts(chat)) == Counter(
            f"Answer to: c{chat} q{n}" for n in range(1, asked[chat] + 1))

    await until(lambda: all(answered_once(chat) for chat in chats), "every question answered",
                cluster.workers, timeout=120)
    assert telegram.pending_deliveries == 0
    assert cluster.providers.overlaps == []
    stored = await cluster.settled()
    questions = sum(asked.values())
    assert Counter((m.role, m.status) for m in stored) == {("user", "complete"): questions,
                                                         ("assistant", "complete"): questions}


async def test_readiness_follows_the_database_and_redis(cluster: Cluster) -> None:
    assert REDIS_URL is not None
    async with CuttableProxy(REDIS_URL) as redis, \
            CuttableProxy(cluster.database_url) as postgres:
        # The proxy keeps only host and port of the URL it is given: the rest is the database's.
        database = make_url(cluster.database_url).set(
            host="127.0.0.1", port=make_url(postgres.url).port).render_as_string(
            hide_password=False)
        [worker] = await cluster.start(1, REDIS_URL=redis.url, DATABASE_URL=database)
        ready = worker.url + "/readyz"
        for store in (redis, postgres):
            await store.cut()
            await until_status(cluster, worker, ready, 503)
            async with cluster.http.get(ready) as response:
                reason = await response.text()
            assert reason == "not ready"  # the why is in the log, not for anyone asking
            store.restore()
            await until_status(cluster, worker, ready, 200)
        assert await status_of(cluster.http, worker.url + "/healthz") == 200
        assert await worker.stop() == 0, worker.log


async def until_status(cluster: Cluster, worker: Worker, url: str, status: int) -> None:
    """Wait until ``url`` answers ``status``."""
    try:
        async with asyncio.timeout(30):
            while await status_of(cluster.http, url) != status:  # noqa: ASYNC110
                await asyncio.sleep(0.1)
    except TimeoutError:
        pytest.fail(f"{url} never answered {status}\n{worker.log}")
