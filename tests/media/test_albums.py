"""Gathering the messages of an album on a virtual clock (no real time passes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.types import Message

from bot.media.albums import AlbumCollector
from tests.fakes.telegram import FakeClock, FakeTelegram


@pytest.fixture
async def clock() -> AsyncIterator[FakeClock]:
    """Virtual time that jumps whenever every task waits on it."""
    clock = FakeClock(start=0.0)
    clock.start_autojump()
    yield clock
    await clock.stop()


async def arrive(
    collector: AlbumCollector[str], clock: FakeClock, at: float, key: str, item: str
) -> tuple[float, list[str] | None]:
    """An update arriving at virtual time ``at``; when its handler returned, and with what."""
    await clock.sleep(at - clock.now())
    result = await collector.add(key, item)
    return clock.now(), result


async def test_an_album_is_returned_whole_to_its_first_message(clock: FakeClock) -> None:
    collector: AlbumCollector[str] = AlbumCollector(quiet=1.0, clock=clock)
    results = await asyncio.gather(
        arrive(collector, clock, 0.0, "album", "photo 1 + caption"),
        arrive(collector, clock, 0.3, "album", "photo 2"),
        arrive(collector, clock, 0.5, "album", "photo 3"),
    )
    assert results == [
        (1.5, ["photo 1 + caption", "photo 2", "photo 3"]),  # quiet for 1 s after the last
        (0.3, None),  # absorbed at once
        (0.5, None),
    ]
    assert len(collector) == 0  # forgotten once complete


async def test_every_item_restarts_the_quiet_period_up_to_a_maximum(clock: FakeClock) -> None:
    collector: AlbumCollector[str] = AlbumCollector(quiet=1.0, max_wait=3.0, clock=clock)
    arrivals = [arrive(collector, clock, 0.8 * n, "slow", f"item {n}") for n in range(6)]
    results = await asyncio.gather(*arrivals)
    first_done, first_items = results[0]
    assert first_done == 3.0  # the hard maximum, though items kept coming
    assert first_items == ["item 0", "item 1", "item 2", "item 3"]  # up to 2.4 s
    late_done, late_items = results[4]  # 3.2 s: a new group
    assert (late_done, late_items) == (5.0, ["item 4", "item 5"])
    assert results[5] == (4.0, None)


async def test_groups_are_independent(clock: FakeClock) -> None:
    collector: AlbumCollector[str] = AlbumCollector(clock=clock)
    results = await asyncio.gather(
        arrive(collector, clock, 0.0, "chat 1", "a1"),
        arrive(collector, clock, 0.1, "chat 2", "b1"),
        arrive(collector, clock, 0.2, "chat 1", "a2"),
    )
    assert [items for _, items in results] == [["a1", "a2"], ["b1"], None]


async def test_many_albums_leave_nothing_behind(clock: FakeClock) -> None:
    collector: AlbumCollector[int] = AlbumCollector(clock=clock)
    finished = await asyncio.gather(*(collector.add(n % 50, n) for n in range(500)))
    albums = [items for items in finished if items is not None]
    assert len(albums) == 50
    assert albums[7] == list(range(7, 500, 50))
    assert len(collector) == 0


async def test_a_cancelled_first_message_drops_its_group(clock: FakeClock) -> None:
    collector: AlbumCollector[str] = AlbumCollector(clock=clock)
    first = asyncio.create_task(collector.add("album", "one"))
    await asyncio.sleep(0)
    assert await collector.add("album", "two") is None
    assert len(collector) == 1
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert len(collector) == 0
    assert await collector.add("album", "three") == ["three"]  # a fresh group


async def test_without_a_clock_the_loop_clock_is_used() -> None:
    collector: AlbumCollector[str] = AlbumCollector(quiet=0.0)
    assert await collector.add("album", "only") == ["only"]


async def test_an_album_sent_to_the_bot_arrives_as_one_question(
    telegram: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    telegram.private_photo(5, caption="What is on these?", media_group_id="13579")
    telegram.private_photo(5, media_group_id="13579")
    telegram.private_photo(5, caption="not part of it")
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates if u.message]
    collector: AlbumCollector[Message] = AlbumCollector(clock=clock)

    async def handle(message: Message, at: float) -> list[Message] | None:
        await clock.sleep(at)
        if message.media_group_id is None:
            return [message]
        return await collector.add((message.chat.id, message.media_group_id), message)

    first, second, alone = await asyncio.gather(
        *(handle(m, 0.2 * i) for i, m in enumerate(messages))
    )
    assert second is None
    assert first is not None
    assert [m.caption for m in first] == ["What is on these?", None]
    assert len({m.photo[-1].file_id for m in first if m.photo}) == 2
    assert alone == [messages[2]]
