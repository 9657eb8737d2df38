"""Every button press is answered (the spinner stops), and no press earns an apology."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.bot.conftest import GROUP, OTHER, USER, Harness
from tests.fakes.telegram import NOT_MODIFIED, QUERY_INVALID

APOLOGY = "Sorry, something went wrong on my side. Please try again."


def answers(harness: Harness) -> list[dict[str, Any]]:
    """The callback query answers Telegram took (a second answer of one query is refused)."""
    return [c.params for c in harness.telegram.calls("answerCallbackQuery") if c.status == 200]


def pressed(harness: Harness) -> set[str]:
    return {str(c.params["callback_query_id"]) for c in harness.telegram.calls(
        "answerCallbackQuery") if c.status == 200}


async def press_data(harness: Harness, chat_id: int, user_id: int, data: str) -> str:
    """Press a button carrying ``data`` under the bot's newest message; the query's id."""
    message = harness.telegram.messages(chat_id)[-1]
    update = harness.telegram.callback_query(chat_id, user_id, message.message_id, data)
    await harness.send(update)
    return str(update["callback_query"]["id"])


@pytest.mark.parametrize("data", [
    "zzz",  # nobody's button
    "m:set:openai:1",  # a /model keyboard from before pages
    "m:set:openai:abc:0",  # not a model index
    "m:",  # the /model prefix alone
])
async def test_unknown_buttons_are_answered(harness: Harness, data: str) -> None:
    await harness.send(harness.telegram.private_message(USER, "/model"))
    before = harness.texts(USER)
    query_id = await press_data(harness, USER, USER, data)
    assert pressed(harness) == {query_id}
    assert answers(harness)[-1]["text"] == "This button no longer works. Send the command again."
    assert harness.texts(USER) == before


async def test_a_model_button_for_a_provider_that_is_gone(harness: Harness) -> None:
    await harness.send(harness.telegram.private_message(USER, "/model"))
    await harness.press(USER, USER, "flowgpt")
    query_id = await press_data(harness, USER, USER, "m:provider:nope:-1:0")
    assert pressed(harness) >= {query_id}
    assert harness.last_text(USER).startswith("Model in this chat: openai:fake-model-a")


@pytest.mark.parametrize("button", ["flowgpt", "claude-v2", "« Back"])
async def test_a_button_tapped_twice_needs_no_apology(harness: Harness, button: str) -> None:
    await harness.send(harness.telegram.private_message(USER, "/model"))
    if button != "flowgpt":
        await harness.press(USER, USER, "flowgpt")
    message = harness.telegram.messages(USER)[-1]
    data = harness.buttons(USER)[button]
    for _ in range(2):  # the second query carries the message as it was
        await harness.send(harness.telegram.callback_query(USER, USER, message.message_id, data))
    queries = 2 if button == "flowgpt" else 3
    assert len(pressed(harness)) == len(harness.telegram.calls("answerCallbackQuery")) == queries
    assert answers(harness)[-1].get("text") is None
    assert APOLOGY not in harness.texts(USER)
    assert [c.description for c in harness.telegram.errors()] == [NOT_MODIFIED]


async def test_a_member_pressing_a_model_is_refused_politely(harness: Harness) -> None:
    await harness.send(harness.telegram.group_message(GROUP, USER, "/model"))
    await harness.press(GROUP, USER, "flowgpt")
    await harness.press(GROUP, USER, "gpt-4-turbo")
    assert answers(harness)[-1] == {
        "callback_query_id": answers(harness)[-1]["callback_query_id"],
        "text": "Only this chat's admins can change that here.", "show_alert": True}
    assert harness.last_text(GROUP) == "Models of flowgpt:"
    assert APOLOGY not in harness.texts(GROUP)


async def test_a_failing_button_is_answered_with_an_apology_not_a_message(
        harness: Harness) -> None:
    await harness.send(harness.telegram.group_message(GROUP, OTHER, "/model"))
    harness.telegram.fail_next("editMessageText", status=400,
                               description="Bad Request: something unexpected")
    await harness.press(GROUP, OTHER, "flowgpt")
    assert answers(harness)[-1]["text"] == APOLOGY
    assert harness.last_text(GROUP).startswith("Model in this chat:")
    assert APOLOGY not in harness.texts(GROUP)


async def test_an_expired_query_is_no_error(harness: Harness,
                                            caplog: pytest.LogCaptureFixture) -> None:
    await harness.send(harness.telegram.private_message(USER, "/model"))
    harness.telegram.fail_next("answerCallbackQuery", status=400, description=QUERY_INVALID)
    await harness.press(USER, USER, "flowgpt")
    assert harness.last_text(USER) == "Models of flowgpt:"
    assert len(harness.telegram.calls("answerCallbackQuery")) == 1  # not tried again
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert APOLOGY not in harness.texts(USER)
