"""Pacing, the same promises from memory and from Redis: chat slots, 429 windows, the GCRA."""

from __future__ import annotations

import asyncio

from tests.coordination.conftest import Factory

CHAT = 555
OTHER_CHAT = 556


async def test_a_chat_gets_one_slot_per_interval(make: Factory) -> None:
    paces = (await make()).paces
    assert await paces.claim(CHAT, 0.3) == 0.0
    wait = await paces.claim(CHAT, 0.3)
    assert 0.0 < wait <= 0.3
    assert await paces.claim(OTHER_CHAT, 0.3) == 0.0  # chats are paced apart
    await asyncio.sleep(wait)
    assert await paces.claim(CHAT, 0.3) == 0.0
    assert await paces.claim(CHAT, 0.3) > 0.0  # the slot after it is booked again


async def test_an_answers_burst_ignores_the_spacing_once_per_interval(make: Factory) -> None:
    paces = (await make()).paces
    assert await paces.claim(CHAT, 5.0) == 0.0
    assert await paces.claim(CHAT, 5.0, burst="answer-1") == 0.0
    assert await paces.claim(CHAT, 5.0, burst="answer-1") == 0.0  # its last messages together
    assert 4.0 < await paces.claim(CHAT, 5.0, burst="answer-2") <= 5.0  # the next one waits
    assert 4.0 < await paces.claim(CHAT, 5.0) <= 5.0


async def test_a_429_window_holds_every_call_to_the_chat_even_a_burst(make: Factory) -> None:
    paces = (await make()).paces
    assert await paces.blocked_for(CHAT) == 0.0
    await paces.block(CHAT, 3.0)
    left = await paces.blocked_for(CHAT)
    assert 2.0 < left <= 3.0
    assert 2.0 < await paces.claim(CHAT, 0.1) <= 3.0
    assert 2.0 < await paces.claim(CHAT, 0.1, burst="answer") <= 3.0
    assert await paces.blocked_for(OTHER_CHAT) == 0.0
    assert await paces.claim(OTHER_CHAT, 0.1) == 0.0


async def test_a_shorter_429_window_never_shortens_a_longer_one(make: Factory) -> None:
    paces = (await make()).paces
    await paces.block(CHAT, 3.0)
    await paces.block(CHAT, 0.1)
    assert await paces.blocked_for(CHAT) > 2.0


async def test_a_429_window_ends(make: Factory) -> None:
    paces = (await make()).paces
    await paces.block(CHAT, 0.2)
    await asyncio.sleep(await paces.blocked_for(CHAT))
    assert await paces.blocked_for(CHAT) == 0.0
    assert await paces.claim(CHAT, 0.1) == 0.0


async def test_the_bot_wide_limiter_allows_a_burst_then_paces(make: Factory) -> None:
    limiter = (await make(global_rate=5.0, global_burst=3)).limiter
    assert [await limiter.try_acquire() for _ in range(4)] == [True, True, True, False]
    async with asyncio.timeout(5):
        await limiter.acquire()  # waits for the next slot (about 0.2 s)
    assert await limiter.try_acquire() is False  # ...and the one after it is not free yet


async def test_acquire_books_slots_for_those_that_wait_in_arrival_order(make: Factory) -> None:
    # Slots 0.2 s apart and arrivals 0.05 s apart: each caller has long booked its slot
    # before the next arrives, even on a busy machine, while all still wait together.
    limiter = (await make(global_rate=5.0, global_burst=1)).limiter
    finished: list[int] = []

    async def call(n: int) -> None:
        await limiter.acquire()
        finished.append(n)

    tasks = []
    for n in range(5):
        tasks.append(asyncio.create_task(call(n)))
        await asyncio.sleep(0.05)  # arrive in order (booking takes one round trip)
    async with asyncio.timeout(10):
        await asyncio.gather(*tasks)
    assert finished == [0, 1, 2, 3, 4]
