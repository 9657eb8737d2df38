"""One answer at a time per conversation, a bounded waiting line, and stopping (in memory)."""

from __future__ import annotations

import asyncio

import pytest

from bot.coordination.base import ChatKey, StopReason, TurnBusy
from bot.coordination.memory_turns import MemoryTurns


async def test_answers_in_one_chat_take_turns_and_others_run_alongside() -> None:
    turns = MemoryTurns(max_waiting=2)
    order: list[str] = []
    release = asyncio.Event()

    async def answer(key: ChatKey, name: str) -> None:
        async with turns.turn(key, asker_id=1):
            order.append(f"start {name}")
            await release.wait()
            order.append(f"end {name}")

    first = asyncio.create_task(answer(ChatKey(1), "a"))
    await asyncio.sleep(0)
    second = asyncio.create_task(answer(ChatKey(1), "b"))
    other = asyncio.create_task(answer(ChatKey(2), "c"))
    await asyncio.sleep(0)
    assert order == ["start a", "start c"]
    assert (turns.active, turns.waiting) == (2, 1)
    release.set()
    await asyncio.gather(first, second, other)
    assert order.index("end a") < order.index("start b")
    assert (turns.active, turns.waiting, turns.tracked) == (0, 0, 0)  # nothing kept


async def test_too_many_waiting_is_busy() -> None:
    turns = MemoryTurns(max_waiting=1)
    hold = asyncio.Event()

    async def answer() -> None:
        async with turns.turn(ChatKey(7), asker_id=1):
            await hold.wait()

    tasks = [asyncio.create_task(answer()) for _ in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(TurnBusy):
        async with turns.turn(ChatKey(7), asker_id=1):
            pass
    hold.set()
    await asyncio.gather(*tasks)


async def test_a_waiter_that_gives_up_leaves_the_line() -> None:
    turns = MemoryTurns(max_waiting=1)
    hold = asyncio.Event()

    async def answer() -> None:
        async with turns.turn(ChatKey(8), asker_id=1):
            await hold.wait()

    holder = asyncio.create_task(answer())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(answer())
    await asyncio.sleep(0)
    assert turns.waiting == 1
    waiter.cancel()  # a shutdown while waiting: the question stays pending in the database
    await asyncio.gather(waiter, return_exceptions=True)
    assert turns.waiting == 0
    hold.set()
    await holder
    assert turns.tracked == 0


async def test_stop_reaches_the_running_answer_only_and_knows_the_asker() -> None:
    turns = MemoryTurns(max_waiting=1)
    assert await turns.stop(ChatKey(1)) is False
    assert await turns.asker(ChatKey(1, 5)) is None
    async with turns.turn(ChatKey(1, 5), asker_id=42) as running:
        assert await turns.asker(ChatKey(1, 5)) == 42
        assert await turns.stop(ChatKey(1)) is False  # another topic
        assert await turns.stop(ChatKey(1, 5)) is True
        assert running.stopped.is_set()
        assert running.reason is StopReason.USER


async def test_stop_local_stops_every_running_answer() -> None:
    turns = MemoryTurns(max_waiting=1)
    seen: list[StopReason | None] = []

    async def answer(chat: int) -> None:
        async with turns.turn(ChatKey(chat), asker_id=1) as running:
            await running.stopped.wait()
            seen.append(running.reason)

    tasks = [asyncio.create_task(answer(chat)) for chat in (3, 4)]
    await asyncio.sleep(0)
    assert turns.stop_local(StopReason.SHUTDOWN) == 2
    await asyncio.gather(*tasks)
    assert seen == [StopReason.SHUTDOWN, StopReason.SHUTDOWN]
