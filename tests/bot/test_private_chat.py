"""A private conversation: answers stream in, history is remembered, failures explained."""

from __future__ import annotations

import asyncio

from aiogram.types import Update

from tests.bot.conftest import ADMIN, USER, Harness
from tests.fakes.providers import Failure, Hang, last_user_text


async def test_answers_and_remembers_the_conversation(harness: Harness) -> None:
    harness.providers.script("openai", lambda body: f"You said: {last_user_text(body)}")
    await harness.send(harness.telegram.private_message(USER, "Hello there"))
    assert harness.texts(USER) == ["You said: Hello there"]

    await harness.send(harness.telegram.private_message(USER, "And again"))
    assert harness.last_text(USER) == "You said: And again"
    second = harness.provider_bodies("openai")[-1]
    assert second["model"] == "fake-model-a"
    assert second["messages"] == [
        {"role": "user", "content": "Hello there"},
        {"role": "assistant", "content": "You said: Hello there"},
        {"role": "user", "content": "And again"},
    ]
    stored = await harness.stored(USER)
    assert [(m.role, m.status, m.text) for m in stored] == [
        ("user", "complete", "Hello there"),
        ("assistant", "complete", "You said: Hello there"),
        ("user", "complete", "And again"),
        ("assistant", "complete", "You said: And again"),
    ]


async def test_a_failing_provider_falls_back_to_the_next(harness: Harness) -> None:
    harness.providers.script("openai", Failure(503, "overloaded"))
    harness.providers.script("flowgpt", "From the fallback.")
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.texts(USER) == ["From the fallback."]
    answer = (await harness.stored(USER))[-1]
    assert (answer.provider, answer.status) == ("flowgpt", "complete")


async def test_when_every_provider_fails_the_user_is_told_why(make_harness) -> None:  # type: ignore[no-untyped-def]
    harness: Harness = await make_harness(providers=("openai",))
    harness.providers.script("openai", Failure(429, "slow down", headers={"Retry-After": "30"}))
    await harness.send(harness.telegram.private_message(USER, "hi"))
    text = harness.last_text(USER)
    assert "rate-limiting" in text
    assert "30 s" in text
    assert "/model" in text
    answer = (await harness.stored(USER))[-1]
    assert (answer.role, answer.status) == ("assistant", "failed")


async def test_a_sticker_gets_a_friendly_reply(harness: Harness) -> None:
    update = harness.telegram.private_message(USER, "placeholder")
    message = update["message"]
    del message["text"]
    message["sticker"] = {"file_id": "s", "file_unique_id": "s", "type": "regular",
                          "width": 512, "height": 512, "is_animated": False,
                          "is_video": False}
    await harness.send(update)
    assert harness.last_text(USER) == (
        "I can read text, photos, voice messages and documents (text, PDF, DOCX), "
        "but not this kind of message.")
    assert harness.providers.requests == []


async def test_russian_users_get_russian_texts(harness: Harness) -> None:
    harness.telegram.set_user(USER, language_code="ru")
    await harness.send(harness.telegram.private_message(USER, "/stop"))
    assert harness.last_text(USER) == "Сейчас ничего не пишется."


async def test_an_unknown_command_points_at_help(harness: Harness) -> None:
    await harness.send(harness.telegram.private_message(USER, "/weather"))
    assert harness.last_text(USER) == "I don't know that command. /help lists what I can do."
    assert harness.providers.requests == []


async def test_a_redelivered_update_is_answered_once(harness: Harness) -> None:
    harness.providers.script("openai", "only once")
    update = harness.telegram.private_message(USER, "hello")
    await harness.send(update)
    await harness.send(update)  # Telegram redelivers what a crashed bot never confirmed
    assert harness.texts(USER) == ["only once"]
    assert len(harness.providers.requests) == 1


async def test_an_update_cut_short_is_handled_when_telegram_delivers_it_again(
        harness: Harness) -> None:
    release = asyncio.Event()
    harness.providers.script("openai", Hang(release), "OK")  # /providers check waits on it...
    update = harness.telegram.private_message(ADMIN, "/providers check")
    parsed = Update.model_validate(update, context={"bot": harness.app.bot})
    handling = asyncio.create_task(harness.app.dispatcher.feed_update(harness.app.bot, parsed))
    await harness.providers.wait_for_requests(1)
    handling.cancel()  # ...and the handler is cut short (a stop past its grace)
    await asyncio.gather(handling, return_exceptions=True)
    release.set()
    assert harness.texts(ADMIN) == []

    await harness.send(update)  # Telegram delivers the unconfirmed update again
    listing = harness.last_text(ADMIN)
    assert listing.startswith("Providers (default: openai:fake-model-a):")
    assert "last error: never" in next(line for line in listing.splitlines()
                                       if " openai " in line)


async def test_service_messages_get_no_reply(harness: Harness) -> None:
    update = harness.telegram.private_message(USER, "placeholder")
    message = update["message"]
    del message["text"]
    message["write_access_allowed"] = {"from_request": True}
    await harness.send(update)
    assert harness.texts(USER) == []
