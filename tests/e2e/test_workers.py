"""Several real workers on PostgreSQL and Redis behind a load balancer, as Telegram drives them.

Each test starts its workers (``python -m bot`` processes in webhook mode)
against the fake Bot API, which delivers updates through the test balancer
round-robin; updates sent one after another thus alternate between two
workers, and every test that relies on that checks where they went.
"""

from __future__ import annotations

import asyncio
import re
import signal
from collections import Counter
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from bot.db.migrate import alembic_config
from tests.coordination.proxy import CuttableProxy
from tests.e2e.cluster import REDIS_URL, Cluster, cluster, needs_postgres_and_redis
from tests.e2e.conftest import ADMIN, USER
from tests.e2e.workers import Worker, sample, scrape, scrape_until, status_of, until
from tests.fakes.providers import Answer, by_event, last_user_text

__all__ = ["cluster"]  # the fixture, used by name

pytestmark = [needs_postgres_and_redis, pytest.mark.timeout(240)]

QUESTION = re.compile(r"c(\d+) q(\d+)")


def echo(body: Any) -> str:
    """The fake provider's answer: names the question it answers."""
    return f"Answer to: {last_user_text(body)}"


def chat_of(body: Any) -> str | None:
    """The chat a question belongs to, from its text (``c{chat} q{n}``)."""
    found = QUESTION.search(last_user_text(body) or "")
    return found.group(1) if found else None


async def test_workers_started_together_migrate_once(cluster: Cluster) -> None:
    workers = await cluster.start(3)
    revisions = len(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
    ran = {w.name: w.log.count("Running upgrade") for w in workers}
    assert sorted(ran.values()) == [0, 0, revisions], ran
    assert all(w.log.count("ERROR") == 0 for w in workers)


async def test_many_chats_are_answered_exactly_once_one_answer_per_chat_at_a_time(
        cluster: Cluster) -> None:
    # Answers take a moment (a dozen chunks, 10 ms apart): two at once in a chat would overlap.
    cluster.providers.script("openai", Answer(echo, piece_size=2, chunks=by_event, pace=0.01))
    cluster.providers.conversation_of = chat_of
    workers = await cluster.start(2)
    chats = range(1001, 1041)
    for chat in chats:  # three quick questions in a row: round-robin sends them to both
        for n in range(1, 4):
            cluster.telegram.private_message(chat, f"c{chat} q{n}")
    expected = {chat: Counter(f"Answer to: c{chat} q{n}" for n in range(1, 4)) for chat in chats}
    await until(lambda: all(Counter(cluster.telegram.visible_texts(chat)) == expected[chat]
                            for chat in chats), "every question answered", workers, timeout=150)

    overlapping = [chat_of(request.json) for request, _ in cluster.providers.overlaps]
    assert overlapping == [], "two answers at once in chats"
    assert len(cluster.providers.requests_for("openai", "chat")) == 120
    assert cluster.telegram.count_429 == 0  # the bot-wide limit is shared, not doubled
    assert cluster.telegram.pending_deliveries == 0
    answered = [sample(await scrape(cluster.http, w), "bot_answers_total", outcome="complete",
                       provider="openai") for w in workers]
    assert sum(answered) == 120
    assert all(count > 0 for count in answered), answered  # both workers took a share
    stored = await cluster.stored()
    assert Counter((m.role, m.status) for m in stored) == {("user", "complete"): 120,
                                                         ("assistant", "complete"): 120}


async def test_a_chat_waits_for_the_answer_on_another_worker_and_stop_crosses_workers(
        cluster: Cluster) -> None:
    first_done, never = asyncio.Event(), asyncio.Event()
    cluster.providers.script(
        "openai",
        Answer("The first answer, held a while", piece_size=6, chunks=by_event, hold_after=3,
               release=first_done),
        Answer("The second answer, which is stopped", piece_size=6, chunks=by_event,
               hold_after=3, release=never))
    cluster.providers.conversation_of = lambda body: "one chat"
    workers = await cluster.start(2)
    telegram = cluster.telegram
    try:
        first = telegram.private_message(USER, "first question")
        await until(lambda: _holding(cluster, 1), "the first answer streaming", workers)
        second = telegram.private_message(USER, "second question")
        [writer], [waiter] = cluster.handled_by(first), await _routed(cluster, second, workers)
        assert writer is not waiter
        await scrape_until(cluster.http, waiter,
                           lambda s: sample(s, "bot_waiting_questions") == 1,
                           "the second question waiting on the other worker")
        assert len(cluster.providers.requests_for("openai", "chat")) == 1

        first_done.set()
        await until(lambda: _holding(cluster, 2), "the second answer streaming", workers)
        stop = telegram.private_message(USER, "/stop")
        [stopper] = await _routed(cluster, stop, workers)
        assert stopper is writer  # the second answer is written by the waiter: not here
        await until(lambda: telegram.visible_texts(USER)[-1].endswith("⏹ Stopped."),
                    "the answer stopped", workers)
    finally:
        first_done.set()
        never.set()
    assert telegram.visible_texts(USER)[0] == "The first answer, held a while"
    assert cluster.providers.overlaps == []
    statuses = [(m.role, m.status) for m in await cluster.stored(USER)]
    assert statuses[-1] == ("assistant", "stopped")


def _holding(cluster: Cluster, count: int) -> bool:
    requests = cluster.providers.requests_for("openai", "chat")
    return len(requests) >= count and requests[count - 1].holding.is_set()


async def _routed(cluster: Cluster, update: dict[str, Any], workers: list[Worker]) -> list[Worker]:
    """The worker(s) the balancer sent ``update`` to, once it was delivered."""
    await until(lambda: cluster.handled_by(update), "the update delivered", workers)
    return cluster.handled_by(update)


async def test_a_flood_window_on_a_chat_holds_every_worker(cluster: Cluster) -> None:
    cluster.providers.script("openai", "An answer after the flood window.")
    workers = await cluster.start(2)
    telegram = cluster.telegram
    telegram.fail_next("sendMessage", status=429, description="Too Many Requests: retry after 2",
                       retry_after=2, match=lambda params: params.get("chat_id") == USER)
    question = telegram.private_message(USER, "hello")
    await until(lambda: telegram.count_429 == 1, "the chat's flood window", workers)
    refused = next(call for call in telegram.log if call.status == 429)
    command = telegram.private_message(USER, "/help")
    [answerer], [helper] = await _routed(cluster, question, workers), await _routed(
        cluster, command, workers)
    assert answerer is not helper
    await until(lambda: len(telegram.visible_texts(USER)) == 2, "the answer and the help",
                workers)
    later = [call for call in telegram.calls(chat_id=USER) if call.at > refused.at]
    assert later, "nothing was sent after the window"
    assert all(call.at >= refused.at + 2 for call in later), [
        (call.method, round(call.at - refused.at, 2)) for call in later]
    assert telegram.count_429 == 1


async def test_a_provider_switched_off_on_one_worker_is_off_on_the_other(
        cluster: Cluster) -> None:
    for name in ("openai", "flowgpt"):
        cluster.providers.script(name, lambda body, name=name: f"[{name}] answered")
    workers = await cluster.start(2)
    telegram = cluster.telegram
    switch = telegram.private_message(ADMIN, "/providers disable openai")
    await until(lambda: any("disable openai" in text for text in telegram.visible_texts(ADMIN)),
                "the switch confirmed", workers)
    question = telegram.private_message(USER, "who answers?")
    await until(lambda: telegram.visible_texts(USER), "the answer", workers)
    assert telegram.visible_texts(USER) == ["[flowgpt] answered"]
    assert cluster.providers.requests_for("openai", "chat") == []
    [switched], [asked] = cluster.handled_by(switch), cluster.handled_by(question)
    assert switched is not asked


async def test_a_delivery_that_timed_out_and_came_again_is_answered_once(
        cluster: Cluster) -> None:
    cluster.providers.script("openai", echo)
    cluster.telegram.webhook_timeout = 1.0  # Telegram gives up on a slow answer, then retries
    workers = await cluster.start(2)
    telegram = cluster.telegram
    update = telegram.private_message(USER, "c1 q1")
    late = cluster.balancer.hold(update["update_id"])  # stuck on its way to the first worker
    await until(lambda: telegram.visible_texts(USER) == ["Answer to: c1 q1"],
                "the redelivered update answered", workers)
    late.set()  # the first delivery arrives after all, at the other worker
    await until(lambda: len(cluster.handled_by(update)) == 2, "both deliveries handled", workers)
    first, second = cluster.handled_by(update)
    assert first is not second
    attempts = [d for d in telegram.deliveries if d.update_id == update["update_id"]]
    assert attempts[0].error == "Read timeout expired"
    assert attempts[-1].delivered
    counted = [sample(await scrape(cluster.http, w), "bot_updates_total", type="message")
               for w in workers]
    assert sum(counted) == 1  # the late copy was recognised as seen, by the other worker
    assert telegram.visible_texts(USER) == ["Answer to: c1 q1"]
    assert len(cluster.providers.requests_for("openai", "chat")) == 1


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
        [victim] = await _routed(cluster, question, workers)
        await until(lambda: _holding(cluster, 1), "the answer streaming", workers)
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
    stored = await cluster.stored()
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
            assert reason.startswith("not ready:")
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
