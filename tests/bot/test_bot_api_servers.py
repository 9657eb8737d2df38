"""Bot API servers that differ from Telegram: drafts, chat actions and members refused or odd."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial

import pytest

import bot.app
from bot.streaming import StreamConfig
from tests.bot.conftest import GROUP, OTHER, USER, Harness, HarnessFactory
from tests.fakes.providers import Answer, by_event
from tests.fakes.telegram import FakeTelegram

APOLOGY = "Sorry, something went wrong on my side. Please try again."
NOT_ADMIN = "Only this chat's admins can change that here."
TEXT = "Streaming goes on in an edited message when drafts are refused, word after word."

Trouble = Callable[[FakeTelegram], object]


DRAFT_REFUSALS: dict[str, Trouble] = {
    "400": lambda fake: fake.fail_next("sendMessageDraft", status=400, times=100,
                                       description="Bad Request: TEXTDRAFT_PEER_INVALID"),
    "404": lambda fake: fake.forget_method("sendMessageDraft"),
    "500": lambda fake: fake.fail_next("sendMessageDraft", status=500, times=100),
    "a timeout": lambda fake: fake.pause("sendMessageDraft"),
}

EXPECTED_SWITCH = {"400": "rejected: Bad Request: TEXTDRAFT_PEER_INVALID",
                   "404": "rejected: Not Found", "500": "transient: Internal Server Error",
                   "a timeout": "transient: Request timeout error"}


@pytest.mark.parametrize("refusal", list(DRAFT_REFUSALS))
async def test_refused_drafts_fall_back_to_edits_without_losing_text(
        make_harness: HarnessFactory, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture, refusal: str) -> None:
    # A timed-out draft waits out the request timeout: a short one keeps the test quick.
    monkeypatch.setattr(bot.app, "StreamConfig", partial(StreamConfig, request_timeout=1))
    caplog.set_level(logging.INFO, logger="bot.streaming.writer")
    harness = await make_harness(stream_mode="draft")
    held = DRAFT_REFUSALS[refusal](harness.telegram)
    try:
        await answer_without_drafts(harness)
    finally:
        if isinstance(held, asyncio.Event):
            held.set()
    [switch] = [r.getMessage() for r in caplog.records if "using edits" in r.getMessage()]
    assert EXPECTED_SWITCH[refusal] in switch


async def answer_without_drafts(harness: Harness) -> None:
    """An answer streamed while drafts fail: all of it arrives, its progress shown by edits."""
    release = asyncio.Event()
    harness.providers.script("openai", Answer(TEXT, piece_size=8, chunks=by_event,
                                              hold_after=4, release=release))
    answering = asyncio.create_task(harness.send(harness.telegram.private_message(USER, "go")))
    # While the model is held, its text so far shows in a message of its own.
    await harness.telegram.wait_calls("sendMessage", chat_id=USER)
    [shown] = harness.texts(USER)
    assert TEXT.startswith(shown)
    assert len(shown) >= 8
    release.set()
    await asyncio.wait_for(answering, 20)
    assert harness.texts(USER) == [TEXT]
    # The chat's next answer does not try drafts again.
    harness.providers.script("openai", "And the next one, edited too.")
    await harness.send(harness.telegram.private_message(USER, "again"))
    assert harness.texts(USER) == [TEXT, "And the next one, edited too."]
    assert len(harness.telegram.calls("sendMessageDraft")) == 1
    assert APOLOGY not in harness.texts(USER)


@pytest.mark.parametrize("status", [404, 500])
async def test_a_failing_chat_action_never_stops_an_answer(harness: Harness, status: int) -> None:
    if status == 404:
        harness.telegram.forget_method("sendChatAction")
    else:
        harness.telegram.fail_next("sendChatAction", status=500, times=100)
    release = asyncio.Event()
    harness.providers.script("openai", Answer("Typed or not, here it is.", hold_after=0,
                                              release=release))
    answering = asyncio.create_task(
        harness.send(harness.telegram.group_message(GROUP, USER, "well?", mention=True)))
    await harness.telegram.wait_calls("sendChatAction", chat_id=GROUP)
    release.set()
    await asyncio.wait_for(answering, 10)
    assert harness.texts(GROUP) == ["Typed or not, here it is."]
    assert {c.status for c in harness.telegram.calls("sendChatAction")} == {status}


MEMBER_TROUBLE: dict[str, Trouble] = {
    "500": lambda fake: fake.fail_next("getChatMember", status=500, times=10),
    "404": lambda fake: fake.forget_method("getChatMember"),
    "a member that does not validate": lambda fake: fake.answer_raw(
        "getChatMember", '{"ok": true, "result": {"status": "administrator"}}',
        content_type="application/json", times=10),
    "a proxy's page": lambda fake: fake.answer_raw("getChatMember", "<h1>Bad gateway</h1>",
                                                   status=502, times=10),
}


@pytest.mark.parametrize("trouble", list(MEMBER_TROUBLE))
async def test_an_unknown_membership_is_a_polite_no(harness: Harness, trouble: str) -> None:
    harness.telegram.set_member(GROUP, OTHER, "administrator")  # even a real admin
    MEMBER_TROUBLE[trouble](harness.telegram)
    await harness.send(harness.telegram.group_message(GROUP, OTHER, "/model flowgpt"))
    assert harness.last_text(GROUP) == NOT_ADMIN
    await harness.send(harness.telegram.group_message(GROUP, OTHER, "/system Be brief."))
    assert harness.last_text(GROUP) == NOT_ADMIN
    await harness.send(harness.telegram.group_message(GROUP, OTHER, "/model"))
    await harness.press(GROUP, OTHER, "flowgpt")
    await harness.press(GROUP, OTHER, "gpt-4-turbo")
    alert = harness.telegram.calls("answerCallbackQuery")[-1].params
    assert (alert["text"], alert["show_alert"]) == (NOT_ADMIN, True)
    assert APOLOGY not in harness.texts(GROUP)
    assert harness.last_text(GROUP) == "Models of flowgpt:"
    await harness.send(harness.telegram.group_message(GROUP, OTHER, "/help"))
    assert "Model in this chat: openai:fake-model-a" in harness.last_text(GROUP)
