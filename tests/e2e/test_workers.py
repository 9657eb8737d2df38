"""Several real workers on PostgreSQL and Redis behind a load balancer, as Telegram drives them.

Each test starts its workers (``python -m bot`` processes in webhook mode)
against the fake Bot API, which delivers updates through the test balancer
round-robin; updates sent one after another thus alternate between two
workers, and every test that relies on that checks where they went.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from alembic.script import ScriptDirectory

from bot.db.migrate import alembic_config
from tests.e2e.cluster import Cluster, chat_of, cluster, echo, needs_postgres_and_redis
from tests.e2e.conftest import ADMIN, USER
from tests.e2e.workers import sample, scrape, scrape_until, until
from tests.fakes.providers import Answer, by_event

__all__ = ["cluster"]  # the fixture, used by name

pytestmark = [needs_postgres_and_redis, pytest.mark.timeout(240)]


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
    stored = await cluster.settled()
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
        await until(lambda: cluster.holding(1), "the first answer streaming", workers)
        second = telegram.private_message(USER, "second question")
        [writer], [waiter] = cluster.handled_by(first), await cluster.routed(second)
        assert writer is not waiter
        await scrape_until(cluster.http, waiter,
                           lambda s: sample(s, "bot_waiting_questions") == 1,
                           "the second question waiting on the other worker")
        assert len(cluster.providers.requests_for("openai", "chat")) == 1

        first_done.set()
        await until(lambda: cluster.holding(2), "the second answer streaming", workers)
        stop = telegram.private_message(USER, "/stop")
        [stopper] = await cluster.routed(stop)
        assert stopper is writer  # the second answer is written by the waiter: not here
        await until(lambda: telegram.visible_texts(USER)[-1].endswith("⏹ Stopped."),
                    "the answer stopped", workers)
    finally:
        first_done.set()
        never.set()
    assert telegram.visible_texts(USER)[0] == "The first answer, held a while"
    assert cluster.providers.overlaps == []
    await cluster.settled()
    statuses = [(m.role, m.status) for m in await cluster.stored(USER)]
    assert statuses[-1] == ("assistant", "stopped")


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
    [answerer], [helper] = await cluster.routed(question), await cluster.routed(command)
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
