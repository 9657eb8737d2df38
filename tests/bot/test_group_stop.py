"""In groups an answer is stopped only by its asker, the chat's admins and the bot's admins."""

from __future__ import annotations

import asyncio

from tests.bot.conftest import ADMIN, GROUP, OTHER, USER, Harness
from tests.fakes.providers import Answer, RecordedRequest, by_event

NOT_YOURS = "Only the person who asked, or an admin, can stop this answer."


async def ask_and_hold(harness: Harness, release: asyncio.Event) -> RecordedRequest:
    harness.providers.script("openai", Answer("A long answer in the group, word by word",
                                              piece_size=6, chunks=by_event, hold_after=3,
                                              release=release))
    await harness.send(harness.telegram.group_message(GROUP, USER, "explain", mention=True),
                       wait=False)
    request = (await harness.providers.wait_for_requests(1))[0]
    await asyncio.wait_for(request.holding.wait(), 10)
    await harness.telegram.wait_calls("sendMessage", chat_id=GROUP)
    return request


async def test_someone_else_cannot_stop_the_answer(harness: Harness) -> None:
    release = asyncio.Event()
    request = await ask_and_hold(harness, release)
    await harness.send(harness.telegram.group_message(GROUP, OTHER, "/stop"))
    assert harness.last_text(GROUP) == NOT_YOURS
    answer = harness.telegram.messages(GROUP)[0]
    [[button]] = answer.reply_markup["inline_keyboard"]  # type: ignore[index]
    await harness.send(harness.telegram.callback_query(GROUP, OTHER, answer.message_id,
                                                       button["callback_data"]))
    [reply] = harness.telegram.calls("answerCallbackQuery")
    assert reply.params.get("text") == NOT_YOURS
    assert not request.finished.is_set()  # still streaming
    release.set()
    await harness.until_shown(GROUP, "A long answer in the group, word by word")
    # The store follows the final edit by a moment.
    await harness.until_stored(GROUP, lambda rows: rows[-1].status == "complete",
                               "the answer stored as complete")


async def test_the_asker_stops_it_with_the_button(harness: Harness) -> None:
    release = asyncio.Event()
    await ask_and_hold(harness, release)
    answer = harness.telegram.messages(GROUP)[0]
    [[button]] = answer.reply_markup["inline_keyboard"]  # type: ignore[index]
    await harness.send(harness.telegram.callback_query(GROUP, USER, answer.message_id,
                                                       button["callback_data"]))
    [reply] = harness.telegram.calls("answerCallbackQuery")
    assert reply.params.get("text") is None  # answered, quietly
    await harness.until_stored(GROUP, lambda rows: rows[-1].status == "stopped", "stopped")
    release.set()


async def test_a_chat_admin_and_a_bot_admin_may_stop_it(harness: Harness) -> None:
    for stopper in (OTHER, ADMIN):
        if stopper == OTHER:
            harness.telegram.set_member(GROUP, OTHER, "administrator")
        release = asyncio.Event()
        harness.providers.requests.clear()
        await ask_and_hold(harness, release)
        await harness.send(harness.telegram.group_message(GROUP, stopper, "/stop"))
        rows = await harness.until_stored(GROUP, lambda rows: rows[-1].status == "stopped",
                                          "stopped")
        assert rows[-1].text.startswith("A long")
        release.set()
