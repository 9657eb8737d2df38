"""Pacing across workers on Redis: one schedule per chat and one bot-wide GCRA for all."""

from __future__ import annotations

import asyncio
import itertools
from typing import cast

import pytest
from redis.asyncio import Redis

from bot.coordination.redis_pacing import RedisCallLimiter
from tests.coordination.conftest import Factory, needs_redis

pytestmark = needs_redis
CHAT = 777


async def test_workers_share_each_chats_slots_and_429_windows(workers: Factory) -> None:
    one, two = (await workers()).paces, (await workers()).paces
    assert await one.claim(CHAT, 2.0) == 0.0
    assert 1.0 < await two.claim(CHAT, 2.0) <= 2.0
    assert await two.claim(CHAT, 2.0, burst="answer-1") == 0.0
    assert 1.0 < await one.claim(CHAT, 2.0, burst="answer-2") <= 2.0  # one burst for both
    await two.block(CHAT, 3.0)
    assert 2.0 < await one.blocked_for(CHAT) <= 3.0
    assert 2.0 < await one.claim(CHAT, 0.1, burst="answer-1") <= 3.0


async def test_two_workers_book_from_one_gcra_schedule(workers: Factory) -> None:
    rate, burst = 30.0, 10
    limiters = [cast(RedisCallLimiter, (await workers(global_rate=rate,
                                                      global_burst=burst)).limiter)
                for _ in range(2)]
    bookings = await asyncio.gather(*(limiter.book() for limiter in limiters
                                      for _ in range(50)))
    slots = sorted(booking.slot for booking in bookings)
    spacing = round(1_000_000 / rate)
    # One schedule: every slot is at least one spacing after the previous, whichever
    # worker booked it (two schedules would hand out the same early slots twice).
    assert all(b - a >= spacing for a, b in itertools.pairwise(slots))
    waits = sorted(booking.wait for booking in bookings)
    assert waits[-1] >= (len(bookings) - burst - 1) / rate - 1.0  # the last waits ~3 s
    assert waits[burst + 2] > 0.0  # at most the burst (and a slot or two refilled) go at once


async def test_two_workers_callers_sleep_until_their_booked_slots(
        workers: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    rate, burst, calls = 60.0, 10, 50
    limiters = [(await workers(global_rate=rate, global_burst=burst)).limiter for _ in range(2)]
    slept: list[float] = []

    async def note_sleep(seconds: float) -> None:
        slept.append(seconds)  # the schedule, not the clock, is under test

    monkeypatch.setattr("bot.coordination.redis_pacing.asyncio.sleep", note_sleep)
    await asyncio.gather(*(limiter.acquire() for limiter in limiters for _ in range(calls)))
    # 100 calls, 10 at once, then 60 per second: the last caller is told to wait ~1.5 s,
    # and only the burst goes without waiting.
    assert len(slept) >= 2 * calls - burst - 2
    assert max(slept) >= (2 * calls - burst) / rate - 0.5


async def test_pacing_keys_expire_once_they_no_longer_matter(
        workers: Factory, redis_client: Redis, redis_prefix: str) -> None:
    coordination = await workers()
    await coordination.paces.claim(CHAT, 1.0)
    await coordination.paces.block(CHAT + 1, 2.0)
    await coordination.limiter.acquire()
    await coordination.updates.first_time(123)
    for key, longest_ms in ((f"pace:{CHAT}", 3_000), (f"pace:{CHAT + 1}", 4_000),
                            ("limiter", 2_000), ("update:123", 86_400_000)):
        ttl = await redis_client.pttl(redis_prefix + key)
        assert 0 < ttl <= longest_ms, key
