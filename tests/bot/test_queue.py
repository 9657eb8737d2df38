"""One answer at a time per conversation, a bounded queue, and stopping."""

from __future__ import annotations

import asyncio

import pytest

from bot.services.queue import ChatBusy, ChatQueue
from bot.services.turns import ChatKey, StopReason


async def test_answers_in_one_chat_take_turns_and_others_run_alongside() -> None:
    queue = ChatQueue(max_waiting=2)
    order: list[str] = []
    release = asyncio.Event()

    async def answer(key: ChatKey, name: str) -> None:
        async with queue.turn(key):
            order.append(f"start {name}")
            await release.wait()
            order.append(f"end {name}")

    first = asyncio.create_task(answer(ChatKey(1), "a"))
    await asyncio.sleep(0)
    second = asyncio.create_task(answer(ChatKey(1), "b"))
    other = asyncio.create_task(answer(ChatKey(2), "c"))
    await asyncio.sleep(0)
    assert order == ["start a", "start c"]
    release.set()
    await asyncio.gather(first, second, other)
    assert order.index("end a") < order.index("start b")


async def test_too_many_waiting_is_busy() -> None:
    queue = ChatQueue(max_waiting=1)
    hold = asyncio.Event()

    async def answer() -> None:
        async with queue.turn(ChatKey(7)):
            await hold.wait()

    tasks = [asyncio.create_task(answer()) for _ in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(ChatBusy):
        async with queue.turn(ChatKey(7)):
            pass
    hold.set()
    await asyncio.gather(*tasks)


async def test_stop_reaches_the_running_answer_only() -> None:
    queue = ChatQueue(max_waiting=1)
    assert queue.stop(ChatKey(1)) is False
    async with queue.turn(ChatKey(1, 5)) as running:
        assert queue.stop(ChatKey(1)) is False  # another topic
        assert queue.stop(ChatKey(1, 5)) is True
        assert running.stopped.is_set()
        assert running.reason is StopReason.USER


async def test_shutdown_stops_running_and_later_answers() -> None:
    queue = ChatQueue(max_waiting=1)
    seen: list[StopReason | None] = []

    async def answer() -> None:
        async with queue.turn(ChatKey(3)) as running:
            await running.stopped.wait()
            seen.append(running.reason)

    task = asyncio.create_task(answer())
    await asyncio.sleep(0)
    await queue.shutdown(timeout=1)
    await task
    async with queue.turn(ChatKey(4)) as late:
        assert late.reason is StopReason.SHUTDOWN
    assert seen == [StopReason.SHUTDOWN]
