"""Updates about things that are gone by the time they arrive: no error, no apology."""

from __future__ import annotations

import logging

import pytest

from tests.bot.conftest import USER, Harness


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The messages logged at ERROR and above."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_button_under_a_deleted_message(harness: Harness,
                                                caplog: pytest.LogCaptureFixture) -> None:
    await harness.send(harness.telegram.private_message(USER, "/model"))
    keyboard = harness.telegram.messages(USER)[-1]
    assert keyboard.reply_markup is not None
    flowgpt = keyboard.reply_markup["inline_keyboard"][1][0]["callback_data"]
    harness.telegram.delete_message(USER, keyboard.message_id)
    with caplog.at_level(logging.INFO):
        await harness.send(harness.telegram.callback_query(USER, USER, keyboard.message_id,
                                                           flowgpt))
    assert errors(caplog) == []
    assert harness.telegram.calls("answerCallbackQuery")  # the spinner stops
    assert harness.texts(USER) == []
