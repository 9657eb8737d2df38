"""Turns across workers on Redis: one line per conversation, stops that cross, dead workers."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import cast

import pytest
from redis.asyncio import Redis

from bot.coordination.base import ChatKey, StopReason, TurnBusy
from bot.coordination.redis_coordination import redis_coordination
from bot.coordination.redis_turns import RedisTurns
from tests.coordination.conftest import REDIS_URL, TEST_LEASE, Factory, needs_redis, until
from tests.coordination.dead_worker import ASKER_ID
from tests.coordination.proxy import CuttableProxy
from tests.coordination.questions import Questions

pytestmark = needs_redis
ROOT = Path(__file__).resolve().parents[2]
KEY = ChatKey(chat_id=-100300, thread_id=0)


async def test_two_workers_answer_one_conversation_in_arrival_order(workers: Factory) -> None:
    one, two = (await workers(max_waiting=3)).turns, (await workers(max_waiting=3)).turns
    async with Questions() as questions:
        asked = [questions.ask(one, KEY, 1)]
        await asked[0].entered.wait()
        assert await two.asker(KEY) == 1
        asked.append(questions.ask(two, KEY, 2))
        await until(lambda: two.waiting == 1, "worker two's question waiting")
        asked.append(questions.ask(one, KEY, 3))
        await until(lambda: one.waiting == 1, "worker one's question waiting")
        asked.append(questions.ask(two, KEY, 4))
        await until(lambda: two.waiting == 2, "worker two's second question waiting")
        assert (one.active, one.waiting, two.active, two.waiting) == (1, 1, 0, 2)

        for question in asked:
            question.finish()
        await until(lambda: len(questions.order) == 4 and not one.active and not two.active,
                    "every question answered")
    assert questions.order == [1, 2, 3, 4]
    assert questions.most_inside == 1


async def test_the_line_is_shared_so_its_limit_counts_every_worker(workers: Factory) -> None:
    one, two = (await workers(max_waiting=2)).turns, (await workers(max_waiting=2)).turns
    async with Questions() as questions:
        first = questions.ask(one, KEY, 1)
        await first.entered.wait()
        questions.ask(two, KEY, 2)
        await until(lambda: two.waiting == 1, "a question waiting on worker two")
        questions.ask(one, KEY, 3)
        await until(lambda: one.waiting == 1, "a question waiting on worker one")
        for turns in (one, two):
            with pytest.raises(TurnBusy):
                async with turns.turn(KEY, asker_id=4):
                    pytest.fail("a question got past a full line")
        assert await cast(RedisTurns, two).queued(KEY) == 2


async def test_stop_on_one_worker_ends_the_answer_on_another(workers: Factory) -> None:
    one, two = (await workers()).turns, (await workers()).turns
    async with Questions() as questions:
        question = questions.ask(one, KEY, 1, until_stopped=True)
        await question.entered.wait()
        assert await two.stop(KEY) is True
        assert question.task is not None
        async with asyncio.timeout(1.0):  # the promise: within a second
            await question.task
        assert question.answer is not None
        assert question.answer.reason is StopReason.USER
    assert await two.stop(KEY) is False


async def test_a_stop_reaches_a_worker_that_missed_its_announcement(
        workers: Factory, redis_prefix: str) -> None:
    assert REDIS_URL is not None
    stopper = (await workers()).turns
    async with CuttableProxy(REDIS_URL) as proxy, redis_coordination(
            proxy.url, max_waiting=1, global_rate=30.0, global_burst=10,
            key_prefix=redis_prefix, lease_seconds=TEST_LEASE) as writer, Questions() as questions:
        question = questions.ask(writer.turns, KEY, 1, until_stopped=True)
        await question.entered.wait()
        await proxy.cut()  # the writer's announcement listener is disconnected...
        assert await stopper.stop(KEY, StopReason.USER) is True  # ...so this message is lost
        proxy.restore()
        assert question.task is not None
        async with asyncio.timeout(TEST_LEASE * 10):  # the lease renewal carries it instead
            await question.task
        assert question.answer is not None
        assert question.answer.reason is StopReason.USER


async def test_a_live_holder_keeps_its_turn_beyond_the_lease(workers: Factory) -> None:
    one, two = (await workers()).turns, (await workers()).turns
    async with Questions() as questions:
        holder = questions.ask(one, KEY, 1)
        await holder.entered.wait()
        waiter = questions.ask(two, KEY, 2)
        await until(lambda: two.waiting == 1, "worker two's question waiting")
        await asyncio.sleep(TEST_LEASE * 3)  # the lease would have ended three times over
        assert not waiter.entered.is_set()
        assert await two.asker(KEY) == 1
        holder.finish()
        async with asyncio.timeout(5):
            await waiter.entered.wait()
    assert questions.order == [1, 2]


async def test_nothing_of_a_conversation_is_left_in_redis_after_its_answers(
        workers: Factory, redis_client: Redis, redis_prefix: str) -> None:
    one, two = (await workers()).turns, (await workers()).turns
    async with Questions() as questions:
        asked = [questions.ask(one, KEY, 1)]
        await asked[0].entered.wait()
        asked += [questions.ask(two, KEY, 2), questions.ask(one, KEY, 3)]
        await until(lambda: one.waiting == 1 and two.waiting == 1, "two questions waiting")
        for question in asked:
            question.finish()
        await until(lambda: len(questions.order) == 3, "every question answered")
    await until(lambda: not one.active and not two.active, "every turn given back")
    left = [key async for key in redis_client.scan_iter(match=f"{redis_prefix}turn:*")]
    assert left == []


@asynccontextmanager
async def dead_worker(prefix: str, role: str, chat_id: int) -> AsyncIterator[
        tuple[asyncio.subprocess.Process, str]]:
    """A worker process that holds (or waits for) a turn; the test kills it."""
    assert REDIS_URL is not None
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.coordination.dead_worker", REDIS_URL, prefix,
        str(TEST_LEASE), role, str(chat_id), cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        async with asyncio.timeout(30):
            line = (await process.stdout.readline()).decode().split()
        assert line[:1] == [role], f"the worker process did not start: {line}"
        yield process, line[1]
    finally:
        if process.returncode is None:
            process.kill()
        await process.communicate()


async def test_a_dead_holder_keeps_the_turn_only_for_its_lease(
        workers: Factory, redis_prefix: str) -> None:
    coordination = await workers()
    turns = coordination.turns
    async with dead_worker(redis_prefix, "holder", KEY.chat_id) as (process, worker_id):
        assert await turns.asker(KEY) == ASKER_ID
        assert await coordination.workers.alive([worker_id]) == {worker_id}
        process.kill()
        await process.wait()
        async with asyncio.timeout(TEST_LEASE * 10), turns.turn(KEY, asker_id=1) as answer:
            assert answer.asker_id == 1
            assert await turns.asker(KEY) == 1
        assert await coordination.workers.alive([worker_id]) == set()


async def test_a_dead_waiter_leaves_the_line_within_its_lease(workers: Factory,
                                                              redis_prefix: str) -> None:
    turns = (await workers()).turns
    async with Questions() as questions:
        holder = questions.ask(turns, KEY, 1)
        await holder.entered.wait()
        async with dead_worker(redis_prefix, "waiter", KEY.chat_id) as (process, _):
            behind = questions.ask(turns, KEY, 2)  # arrives after the dead worker's question
            await until(lambda: turns.waiting == 1, "a question waiting behind it")
            assert await cast(RedisTurns, turns).queued(KEY) == 2
            process.kill()
            await process.wait()
            holder.finish()
            async with asyncio.timeout(TEST_LEASE * 10):
                await behind.entered.wait()
    assert questions.order == [1, 2]
