"""Announcements, dedup and liveness across workers on Redis; a Redis that does not answer."""

from __future__ import annotations

import asyncio

import pytest

from bot.coordination.base import ChatKey, CoordinationError
from bot.coordination.redis_coordination import redis_coordination
from tests.coordination.conftest import REDIS_URL, TEST_LEASE, Factory, needs_redis, until
from tests.coordination.proxy import CuttableProxy

pytestmark = needs_redis


async def test_an_announcement_on_one_worker_reaches_every_worker(workers: Factory) -> None:
    one, two = (await workers()).settings, (await workers()).settings
    heard: list[str] = []

    async def on_one() -> None:
        heard.append("one")

    async def on_two() -> None:
        heard.append("two")

    one.listen(on_one)
    two.listen(on_two)
    await two.announce()
    await until(lambda: len(heard) == 2, "both workers reloaded", timeout=10.0)
    assert sorted(heard) == ["one", "two"]


async def test_a_failing_listener_does_not_silence_the_others(
        workers: Factory, caplog: pytest.LogCaptureFixture) -> None:
    settings = (await workers()).settings
    heard: list[str] = []

    async def broken() -> None:
        raise RuntimeError("database is gone")

    async def fine() -> None:
        heard.append("fine")

    settings.listen(broken)
    settings.listen(fine)
    await settings.announce()
    await until(lambda: heard == ["fine"], "the second listener ran", timeout=10.0)
    assert "a settings listener failed" in caplog.text


async def test_of_deliveries_to_several_workers_exactly_one_is_taken(workers: Factory) -> None:
    logs = [(await workers()).updates for _ in range(3)]
    answers = await asyncio.gather(*(log.first_time(424242) for log in logs for _ in range(10)))
    assert sorted(answers) == [False] * 29 + [True]


async def test_workers_see_each_other_alive_until_one_stops(redis_prefix: str,
                                                            workers: Factory) -> None:
    assert REDIS_URL is not None
    one = (await workers()).workers
    async with redis_coordination(REDIS_URL, max_waiting=1, global_rate=30.0, global_burst=10,
                                  key_prefix=redis_prefix, lease_seconds=TEST_LEASE) as two:
        gone = two.workers.worker_id
        both = {one.worker_id, gone}
        assert await one.alive(both) == both
        await asyncio.sleep(TEST_LEASE * 2)  # the heartbeat keeps it alive past its lease
        assert await one.alive(both) == both
    assert await one.alive(both) == {one.worker_id}


async def test_an_unreachable_redis_is_one_clear_error() -> None:
    with pytest.raises(CoordinationError, match="Redis did not answer"):
        async with redis_coordination("redis://127.0.0.1:1/0", max_waiting=1, global_rate=30.0,
                                      global_burst=10):
            pytest.fail("started without Redis")


async def test_an_outage_raises_one_error_and_work_resumes_after_it(
        redis_prefix: str, workers: Factory) -> None:
    assert REDIS_URL is not None
    other = await workers()
    async with CuttableProxy(REDIS_URL) as proxy, redis_coordination(
            proxy.url, max_waiting=1, global_rate=30.0, global_burst=10,
            key_prefix=redis_prefix, lease_seconds=TEST_LEASE) as cut_off:
        heard: list[str] = []

        async def reload() -> None:
            heard.append("reloaded")

        cut_off.settings.listen(reload)
        await proxy.cut()
        with pytest.raises(CoordinationError):
            await cut_off.ping()
        with pytest.raises(CoordinationError):
            await cut_off.updates.first_time(5)
        with pytest.raises(CoordinationError):
            async with cut_off.turns.turn(ChatKey(1), asker_id=1):
                pytest.fail("took a turn without Redis")
        assert (cut_off.turns.active, cut_off.turns.waiting) == (0, 0)

        proxy.restore()
        async with asyncio.timeout(10):
            while True:  # the client reconnects on its next command
                try:
                    await cut_off.ping()
                    break
                except CoordinationError:
                    await asyncio.sleep(0.1)
        # The announcement listener is back too (it reconnects by itself).
        async with asyncio.timeout(10):
            while not heard:
                await other.settings.announce()
                await asyncio.sleep(0.2)
        async with cut_off.turns.turn(ChatKey(1), asker_id=1):
            assert await other.turns.asker(ChatKey(1)) == 1
