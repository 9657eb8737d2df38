"""Redis failing under the duplicate check: updates are handled anyway, chatter stays unanswered.

A lost question is worse than a rare double answer, so deduplication fails
open; an infrastructure error is apologised for only to someone who spoke
to the bot, never to a group's chatter.
"""

from __future__ import annotations

import logging
from typing import NoReturn

import pytest

from bot.coordination.base import CoordinationError
from bot.services.chat_settings import ChatSettingsService
from tests.bot.conftest import GROUP, USER, Harness
from tests.fakes.providers import last_user_text

APOLOGY = "Sorry, something went wrong on my side. Please try again."


async def redis_down(*_args: object) -> NoReturn:
    raise CoordinationError("Redis did not answer")


async def test_updates_are_answered_when_the_duplicate_check_fails(
        harness: Harness, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    harness.providers.script("openai", lambda body: f"Answer to: {last_user_text(body)}")
    monkeypatch.setattr(harness.app.coordination.updates, "first_time", redis_down)
    monkeypatch.setattr(harness.app.coordination.updates, "forget", redis_down)
    with caplog.at_level(logging.WARNING, logger="bot.handlers.updates"):
        await harness.send(harness.telegram.private_message(USER, "still there?"))
        await harness.send(harness.telegram.group_message(GROUP, USER, "just chatting"))
        await harness.send(harness.telegram.group_message(GROUP, USER, "hi", mention=True))
    assert harness.texts(USER) == ["Answer to: still there?"]
    assert harness.texts(GROUP) == ["Answer to: User2000: hi"]  # the chatter got nothing
    assert sum("without the duplicate check" in r.message for r in caplog.records) == 3


async def test_a_failure_is_apologised_for_only_to_those_who_spoke_to_the_bot(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*_args: object) -> NoReturn:
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(ChatSettingsService, "migrate", broken)
    monkeypatch.setattr(ChatSettingsService, "new_conversation", broken)
    upgrade = harness.telegram.group_message(GROUP, USER, "placeholder")
    del upgrade["message"]["text"]
    upgrade["message"]["migrate_to_chat_id"] = GROUP - 1
    await harness.send(upgrade)  # a service message: nobody spoke to the bot
    assert harness.texts(GROUP) == []
    await harness.send(harness.telegram.group_message(GROUP, USER, "/new"))
    assert harness.texts(GROUP) == [APOLOGY]
