"""What outlives one answer or one process: sessions, persisted admin choices, crashes."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.memory import MemoryStorage

from bot.db import (
    ChatRepository,
    MessageRepository,
    MessageRole,
    MessageStatus,
    create_session_factory,
)
from tests.bot.conftest import ADMIN, USER, Harness, HarnessFactory
from tests.fakes.providers import Answer


async def test_no_database_connection_is_held_while_the_provider_streams(
        harness: Harness) -> None:
    release = asyncio.Event()
    harness.providers.script("openai", Answer("a slow answer", hold_after=3, release=release))
    answering = asyncio.create_task(harness.send(harness.telegram.private_message(USER, "hi")))
    request = (await harness.providers.wait_for_requests(1))[0]
    await asyncio.wait_for(request.holding.wait(), 10)
    assert harness.app.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    release.set()
    await asyncio.wait_for(answering, 10)
    assert harness.texts(USER) == ["a slow answer"]


async def test_admin_choices_survive_a_restart(make_harness: HarnessFactory) -> None:
    first = await make_harness()
    await first.send(first.telegram.private_message(ADMIN, "/providers disable openai"))
    await first.send(first.telegram.private_message(ADMIN, "/providers default flowgpt:claude-v2"))
    second = await make_harness()
    second.providers.script("flowgpt", "still here")
    await second.send(second.telegram.private_message(USER, "hi"))
    assert second.texts(USER) == ["still here"]
    assert second.provider_bodies("flowgpt")[0]["model"] == "claude-v2"
    assert second.providers.requests_for("openai") == []


async def test_answers_left_streaming_by_a_crash_are_marked_interrupted(
        make_harness: HarnessFactory) -> None:
    first = await make_harness()
    sessions = create_session_factory(first.app.engine)
    async with sessions() as session, session.begin():
        chat = await ChatRepository(session).get_or_create(USER)
        await MessageRepository(session).add(chat, role=MessageRole.ASSISTANT, text="half",
                                             status=MessageStatus.STREAMING)
    second = await make_harness()
    [answer] = await second.stored(USER)
    assert (answer.status, answer.text) == ("interrupted", "half")
    assert answer.error == "the bot stopped while answering"


async def test_nothing_is_kept_per_user_or_chat_that_writes(harness: Harness) -> None:
    # aiogram's FSM would keep a record for every (chat, user) it ever saw; the bot has no FSM.
    harness.providers.script("openai", "ok")
    for user_id in range(5000, 5020):
        await harness.send(harness.telegram.private_message(user_id, "hi"))
    storage = harness.app.dispatcher.storage
    assert isinstance(storage, MemoryStorage)
    assert not storage.storage
