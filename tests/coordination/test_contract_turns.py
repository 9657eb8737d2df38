"""Turns, the same promises from memory and from Redis: one answer per conversation at a time."""

from __future__ import annotations

import asyncio

import pytest

from bot.coordination.base import ChatKey, StopReason, TurnBusy
from tests.coordination.conftest import Factory, until
from tests.coordination.questions import Questions

KEY = ChatKey(chat_id=-100200, thread_id=7)


async def test_questions_are_answered_one_at_a_time_in_arrival_order(make: Factory) -> None:
    turns = (await make(max_waiting=3)).turns
    async with Questions() as questions:
        asked = [questions.ask(turns, KEY, 1)]
        await asked[0].entered.wait()
        for waiting, asker in enumerate((2, 3, 4), start=1):
            asked.append(questions.ask(turns, KEY, asker))
            await until(lambda n=waiting: turns.waiting == n, f"{waiting} waiting")
        assert (turns.active, turns.waiting) == (1, 3)

        for question in asked:
            question.finish()
        await until(lambda: len(questions.order) == 4 and turns.active == 0, "all answered")
        assert questions.order == [1, 2, 3, 4]
        assert questions.most_inside == 1
        assert turns.waiting == 0


async def test_a_full_line_turns_a_newcomer_away_at_once(make: Factory) -> None:
    turns = (await make(max_waiting=1)).turns
    async with Questions() as questions:
        first = questions.ask(turns, KEY, 1)
        await first.entered.wait()
        second = questions.ask(turns, KEY, 2)
        await until(lambda: turns.waiting == 1, "the second question waiting")

        with pytest.raises(TurnBusy):
            async with turns.turn(KEY, asker_id=3):
                pytest.fail("a third question got a turn")

        first.finish()
        await second.entered.wait()
        third = questions.ask(turns, KEY, 3)  # the line has room again
        await until(lambda: turns.waiting == 1, "the third question waiting")
        second.finish()
        await third.entered.wait()
        assert questions.order == [1, 2, 3]


async def test_without_a_line_a_busy_conversation_refuses_and_a_free_one_answers(
        make: Factory) -> None:
    turns = (await make(max_waiting=0)).turns
    async with Questions() as questions:
        first = questions.ask(turns, KEY, 1)
        await first.entered.wait()
        with pytest.raises(TurnBusy):
            async with turns.turn(KEY, asker_id=2):
                pytest.fail("a question got a turn that was taken")
        first.finish()
        assert first.task is not None
        await first.task
        async with turns.turn(KEY, asker_id=2) as answer:
            assert answer.asker_id == 2


async def test_conversations_do_not_wait_for_each_other(make: Factory) -> None:
    turns = (await make()).turns
    other_topic = ChatKey(KEY.chat_id, thread_id=8)
    async with Questions() as questions:
        first = questions.ask(turns, KEY, 1)
        await first.entered.wait()
        async with asyncio.timeout(5), turns.turn(other_topic, asker_id=2) as answer:
            assert answer.key == other_topic
            assert turns.active == 2


async def test_asker_names_who_the_answer_being_written_is_for(make: Factory) -> None:
    turns = (await make()).turns
    assert await turns.asker(KEY) is None
    async with turns.turn(KEY, asker_id=42):
        assert await turns.asker(KEY) == 42
    assert await turns.asker(KEY) is None


@pytest.mark.parametrize("reason", list(StopReason))
async def test_stop_reaches_the_answer_being_written(make: Factory, reason: StopReason) -> None:
    turns = (await make()).turns
    assert await turns.stop(KEY, reason) is False  # nothing runs yet
    async with Questions() as questions:
        question = questions.ask(turns, KEY, 1, until_stopped=True)
        await question.entered.wait()
        assert await turns.stop(KEY, reason) is True
        assert question.task is not None
        async with asyncio.timeout(5):
            await question.task
        assert question.answer is not None
        assert question.answer.reason is reason
    assert await turns.stop(KEY) is False


async def test_stop_local_stops_every_answer_of_this_process(make: Factory) -> None:
    turns = (await make()).turns
    async with Questions() as questions:
        asked = [questions.ask(turns, ChatKey(chat), chat, until_stopped=True)
                 for chat in (11, 12)]
        for question in asked:
            await question.entered.wait()
        assert turns.active == 2
        assert turns.stop_local(StopReason.SHUTDOWN) == 2
        async with asyncio.timeout(5):
            await asyncio.gather(*(q.task for q in asked if q.task))
        assert [q.answer.reason for q in asked if q.answer] == [StopReason.SHUTDOWN] * 2
        assert turns.active == 0


async def test_a_cancelled_waiter_gives_up_its_place(make: Factory) -> None:
    turns = (await make(max_waiting=1)).turns
    async with Questions() as questions:
        first = questions.ask(turns, KEY, 1)
        await first.entered.wait()
        quitter = questions.ask(turns, KEY, 2)
        await until(lambda: turns.waiting == 1, "the second question waiting")
        assert quitter.task is not None
        quitter.task.cancel()
        await asyncio.gather(quitter.task, return_exceptions=True)
        assert turns.waiting == 0

        third = questions.ask(turns, KEY, 3)  # not turned away: the place is free
        await until(lambda: turns.waiting == 1, "the third question waiting")
        first.finish()
        async with asyncio.timeout(5):
            await third.entered.wait()
        assert questions.order == [1, 3]


async def test_the_turn_is_given_back_after_an_error(make: Factory) -> None:
    turns = (await make(max_waiting=0)).turns
    with pytest.raises(RuntimeError, match="provider exploded"):
        async with turns.turn(KEY, asker_id=1):
            raise RuntimeError("provider exploded")
    async with asyncio.timeout(5), turns.turn(KEY, asker_id=2) as answer:
        assert answer.asker_id == 2
    assert (turns.active, turns.waiting) == (0, 0)


async def test_the_turn_is_given_back_when_the_holder_is_cancelled(make: Factory) -> None:
    turns = (await make(max_waiting=1)).turns
    async with Questions() as questions:
        holder = questions.ask(turns, KEY, 1)
        await holder.entered.wait()
        waiter = questions.ask(turns, KEY, 2)
        await until(lambda: turns.waiting == 1, "the second question waiting")
        assert holder.task is not None
        holder.task.cancel()
        async with asyncio.timeout(5):
            await waiter.entered.wait()
        assert questions.order == [1, 2]
        assert await turns.asker(KEY) == 2
