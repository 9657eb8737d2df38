"""Which messages make up a context: waiting questions, /reset, busy replies, /retry, migrations."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.bot.conftest import ADMIN, GROUP, USER, Harness, HarnessFactory
from tests.fakes.providers import Answer, last_user_text


def contents(body: dict[str, Any]) -> list[str]:
    return [m["content"] for m in body["messages"]]


async def test_a_question_waiting_while_reset_arrives_is_answered_with_itself(
        harness: Harness) -> None:
    release = asyncio.Event()
    harness.providers.script("openai", Answer("first", hold_after=1, release=release),
                             lambda body: f"re: {last_user_text(body)}")
    await harness.send(harness.telegram.private_message(USER, "one"), wait=False)
    await harness.providers.wait_for_requests(1)
    await harness.send(harness.telegram.private_message(USER, "two"), wait=False)
    await harness.send(harness.telegram.private_message(USER, "/reset"))
    release.set()
    await harness.until_stored(USER, lambda rows: len(rows) == 4 and rows[-1].text == "re: two",
                               "the waiting question answered")
    # "two" was asked in the conversation before /reset: it is answered in it, with itself.
    assert contents(harness.provider_bodies("openai")[1]) == ["one", "first", "two"]
    # The next question starts the fresh conversation.
    await harness.send(harness.telegram.private_message(USER, "three"))
    assert contents(harness.provider_bodies("openai")[2]) == ["three"]


async def test_a_busy_question_is_never_in_a_context_nor_retried(
        make_harness: HarnessFactory) -> None:
    harness = await make_harness(chat_queue_size=0)
    release = asyncio.Event()
    harness.providers.script("openai", Answer("first answer", hold_after=1, release=release),
                             lambda body: f"re: {last_user_text(body)}")
    await harness.send(harness.telegram.private_message(USER, "one"), wait=False)
    await harness.providers.wait_for_requests(1)
    await harness.send(harness.telegram.private_message(USER, "turned away"))
    assert harness.last_text(USER).startswith("I'm still answering")
    release.set()
    await harness.until_stored(USER, lambda rows: any(
        (m.text, m.status) == ("first answer", "complete") for m in rows), "the first answer")
    await harness.send(harness.telegram.private_message(USER, "/retry"))
    assert contents(harness.provider_bodies("openai")[-1]) == ["one"]
    await harness.send(harness.telegram.private_message(USER, "three"))
    assert "turned away" not in contents(harness.provider_bodies("openai")[-1])
    statuses = [(m.text, m.status) for m in await harness.stored(USER) if m.role == "user"]
    assert ("turned away", "declined") in statuses  # kept, but never asked


async def test_retry_counts_against_the_rate_limit(make_harness: HarnessFactory) -> None:
    harness = await make_harness(rate_limit_per_minute=2)
    harness.providers.script("openai", "ok")
    await harness.send(harness.telegram.private_message(USER, "hi"))
    await harness.send(harness.telegram.private_message(USER, "/retry"))
    await harness.send(harness.telegram.private_message(USER, "/retry"))
    assert harness.last_text(USER) == "You're writing faster than I can answer. Try again in 30 s."
    assert len([r for r in harness.providers.requests if r.method == "POST"]) == 2


async def test_questions_waiting_when_a_group_migrates_are_answered_in_the_new_chat(
        harness: Harness) -> None:
    harness.telegram.set_chat(GROUP, type="group", title="Old group")
    new_id = -100777999
    release = asyncio.Event()
    harness.providers.script("openai", Answer("first answer", hold_after=1, release=release),
                             lambda body: f"re: {last_user_text(body)}")
    await harness.send(harness.telegram.group_message(GROUP, USER, "one", mention=True),
                       wait=False)
    await harness.providers.wait_for_requests(1)
    await harness.send(harness.telegram.group_message(GROUP, ADMIN, "two", mention=True),
                       wait=False)
    # The group becomes a supergroup; the old id refuses every message from now on.
    update: dict[str, Any] = harness.telegram.group_message(GROUP, ADMIN, "x")
    del update["message"]["text"]
    update["message"]["migrate_to_chat_id"] = new_id
    await harness.send(update)
    harness.telegram.fail_next("sendMessage", status=400, migrate_to_chat_id=new_id, times=99,
                               description="Bad Request: group chat was upgraded to a supergroup",
                               match=lambda params: params.get("chat_id") == GROUP)
    release.set()
    await harness.until_shown(new_id, "re: User1000: two")
    assert contents(harness.provider_bodies("openai")[1]) == [
        "User2000: one", "first answer", "User1000: two"]
