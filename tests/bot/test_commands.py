"""/help, /system, /reset, /retry, /stop, /providers, and the rules around them."""

from __future__ import annotations

import asyncio

from tests.bot.conftest import ADMIN, GROUP, USER, Harness, HarnessFactory
from tests.fakes.providers import Answer, Failure, by_event, last_user_text


async def test_help_names_the_model_and_the_commands(harness: Harness) -> None:
    await harness.send(harness.telegram.private_message(USER, "/start"))
    text = harness.last_text(USER)
    assert "Model in this chat: openai:fake-model-a" in text
    for command in ("/model", "/system", "/reset", "/new", "/retry", "/stop", "/providers"):
        assert command in text


async def test_help_says_what_else_the_bot_understands_in_every_language(
        harness: Harness) -> None:
    words = {"en": ("photos", "voice notes", "documents", "reply", "quote"),
             "ru": ("фото", "голосовые", "документы", "ответьте", "процитируйте")}
    for user, (language, expected) in enumerate(words.items(), start=USER + 1):
        harness.telegram.set_user(user, language_code=language)
        await harness.send(harness.telegram.private_message(user, "/help"))
        text = harness.last_text(user)
        for word in (*expected, "/new"):
            assert word in text, (language, word)


async def test_system_prompt_show_set_use_and_remove(harness: Harness) -> None:
    harness.providers.script("openai", "ok")
    await harness.send(harness.telegram.private_message(USER, "/system"))
    assert harness.last_text(USER) == "No system prompt is set. Set one with /system <text>."
    await harness.send(harness.telegram.private_message(USER, "/system Answer in haiku."))
    assert harness.last_text(USER) == "System prompt saved (16 characters)."
    await harness.send(harness.telegram.private_message(USER, "/system"))
    assert harness.last_text(USER) == "System prompt:\n\nAnswer in haiku."
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.provider_bodies("openai")[-1]["messages"][0] == {
        "role": "system", "content": "Answer in haiku."}
    await harness.send(harness.telegram.private_message(USER, "/system reset"))
    assert harness.last_text(USER) == "System prompt removed."
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.provider_bodies("openai")[-1]["messages"][0]["role"] == "user"


async def test_an_overlong_system_prompt_is_refused(make_harness: HarnessFactory) -> None:
    harness = await make_harness(system_prompt_max_chars=100)
    await harness.send(harness.telegram.private_message(USER, "/system " + "x" * 150))
    assert harness.last_text(USER) == (
        "That prompt is 150 characters long; the limit is 100. Nothing was changed.")
    await harness.send(harness.telegram.private_message(USER, "/system"))
    assert harness.last_text(USER).startswith("No system prompt is set.")


async def test_system_in_groups_is_for_admins(harness: Harness) -> None:
    await harness.send(harness.telegram.group_message(GROUP, USER, "/system Be rude."))
    assert harness.last_text(GROUP) == "Only this chat's admins can change that here."
    await harness.send(harness.telegram.group_message(GROUP, USER, "/system"))
    assert harness.last_text(GROUP).startswith("No system prompt is set.")


async def test_reset_starts_a_fresh_conversation(harness: Harness) -> None:
    harness.providers.script("openai", lambda body: f"re: {last_user_text(body)}")
    await harness.send(harness.telegram.private_message(USER, "remember 42"))
    await harness.send(harness.telegram.private_message(USER, "/reset"))
    assert harness.last_text(USER).startswith("New conversation started.")
    await harness.send(harness.telegram.private_message(USER, "what number?"))
    assert harness.provider_bodies("openai")[-1]["messages"] == [
        {"role": "user", "content": "what number?"}]
    assert len(await harness.stored(USER)) == 4  # nothing was deleted


async def test_retry_answers_the_last_question_again(harness: Harness) -> None:
    harness.providers.script("openai", "first try", "second try")
    await harness.send(harness.telegram.private_message(USER, "tell me a joke"))
    await harness.send(harness.telegram.private_message(USER, "/retry"))
    assert harness.texts(USER)[-1] == "second try"
    assert harness.provider_bodies("openai")[-1]["messages"] == [
        {"role": "user", "content": "tell me a joke"}]
    harness.providers.script("openai", "third")
    await harness.send(harness.telegram.private_message(USER, "another"))
    assert harness.provider_bodies("openai")[-1]["messages"] == [
        {"role": "user", "content": "tell me a joke"},
        {"role": "assistant", "content": "second try"},
        {"role": "user", "content": "another"},
    ]


async def test_retry_with_nothing_asked(harness: Harness) -> None:
    await harness.send(harness.telegram.private_message(USER, "/retry"))
    assert harness.last_text(USER) == "There is nothing to retry yet."


async def test_stop_keeps_the_partial_answer_marked_stopped(harness: Harness) -> None:
    release = asyncio.Event()
    harness.providers.script("openai", Answer("Once upon a time there was a very long story",
                                              piece_size=10, chunks=by_event, hold_after=3,
                                              release=release))
    answering = asyncio.create_task(harness.send(harness.telegram.private_message(USER, "story")))
    request = (await harness.providers.wait_for_requests(1))[0]
    await asyncio.wait_for(request.holding.wait(), 10)
    await harness.send(harness.telegram.private_message(USER, "/stop"))
    await asyncio.wait_for(answering, 10)
    await asyncio.wait_for(request.finished.wait(), 10)
    assert request.outcome == "disconnected"  # the provider request was cancelled
    shown = harness.texts(USER)[-1]
    assert shown.startswith("Once upon")
    assert shown.endswith("⏹ Stopped.")
    answer = (await harness.stored(USER))[-1]
    assert answer.status == "stopped"
    assert answer.text.startswith("Once upon")
    assert "⏹" not in answer.text
    release.set()


async def test_stop_before_the_first_word(harness: Harness) -> None:
    release = asyncio.Event()
    harness.providers.script("openai", Answer("never shown", hold_after=0, release=release))
    answering = asyncio.create_task(harness.send(harness.telegram.private_message(USER, "q")))
    request = (await harness.providers.wait_for_requests(1))[0]
    await asyncio.wait_for(request.holding.wait(), 10)
    await harness.send(harness.telegram.private_message(USER, "/stop"))
    await asyncio.wait_for(answering, 10)
    assert harness.texts(USER) == ["⏹ Stopped."]
    assert (await harness.stored(USER))[-1].status == "stopped"
    release.set()


async def test_stop_button_stops_too(harness: Harness) -> None:
    release = asyncio.Event()
    harness.providers.script("openai", Answer("Streaming words slowly here", piece_size=5,
                                              chunks=by_event, hold_after=3, release=release))
    answering = asyncio.create_task(harness.send(harness.telegram.private_message(USER, "go")))
    await harness.telegram.wait_calls("sendMessage", chat_id=USER)
    streamed = harness.telegram.messages(USER)[-1]
    [[button]] = streamed.reply_markup["inline_keyboard"]  # type: ignore[index]
    await harness.send(harness.telegram.callback_query(USER, USER, streamed.message_id,
                                                       button["callback_data"]))
    await asyncio.wait_for(answering, 10)
    assert harness.texts(USER)[-1].endswith("⏹ Stopped.")
    assert not harness.telegram.messages(USER)[-1].reply_markup  # the button is gone
    release.set()


async def test_a_second_question_waits_its_turn(harness: Harness) -> None:
    release = asyncio.Event()
    harness.providers.script("openai", Answer("first answer", hold_after=2, release=release),
                             lambda body: f"second: {len(body['messages'])} messages")
    first = asyncio.create_task(harness.send(harness.telegram.private_message(USER, "one")))
    await harness.providers.wait_for_requests(1)
    second = asyncio.create_task(harness.send(harness.telegram.private_message(USER, "two")))
    await asyncio.sleep(0.05)
    assert len(harness.providers.requests) == 1  # not interleaved
    release.set()
    await asyncio.wait_for(asyncio.gather(first, second), 10)
    assert harness.texts(USER) == ["first answer", "second: 3 messages"]


async def test_too_many_waiting_questions_are_told_busy(make_harness: HarnessFactory) -> None:
    harness = await make_harness(chat_queue_size=0)
    release = asyncio.Event()
    harness.providers.script("openai", Answer("slow", hold_after=1, release=release))
    first = asyncio.create_task(harness.send(harness.telegram.private_message(USER, "one")))
    await harness.providers.wait_for_requests(1)
    await harness.send(harness.telegram.private_message(USER, "two"))
    assert harness.last_text(USER).startswith("I'm still answering")
    release.set()
    await asyncio.wait_for(first, 10)


async def test_allow_lists_refuse_politely(make_harness: HarnessFactory) -> None:
    harness = await make_harness(allowed_user_ids=(USER,))
    harness.providers.script("openai", "welcome")
    await harness.send(harness.telegram.private_message(4242, "hi"))
    assert harness.last_text(4242) == "Sorry, this bot is private."
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.last_text(USER) == "welcome"
    assert len(harness.providers.requests) == 1


async def test_per_user_rate_limit(make_harness: HarnessFactory) -> None:
    harness = await make_harness(rate_limit_per_minute=2)
    harness.providers.script("openai", "ok")
    for _ in range(3):
        await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.last_text(USER) == "You're writing faster than I can answer. Try again in 30 s."
    assert len(harness.providers.requests) == 2


async def test_providers_is_for_bot_admins(harness: Harness) -> None:
    await harness.send(harness.telegram.private_message(USER, "/providers"))
    assert harness.last_text(USER) == "This command is for the bot's admins."


async def test_providers_lists_checks_disables_and_sets_default(harness: Harness) -> None:
    harness.providers.script("openai", "OK")
    harness.providers.script("flowgpt", Failure(503, "down for maintenance"))
    await harness.send(harness.telegram.private_message(ADMIN, "/providers check"))
    listing = harness.last_text(ADMIN)
    assert listing.startswith("Providers (default: openai:fake-model-a):")
    openai_line = next(line for line in listing.splitlines() if " openai " in line)
    assert "last error: never" in openai_line
    assert " ms" in openai_line
    flowgpt_line = next(line for line in listing.splitlines() if " flowgpt " in line)
    assert "down for maintenance" in flowgpt_line

    await harness.send(harness.telegram.private_message(ADMIN, "/providers disable openai"))
    assert harness.last_text(ADMIN) == "Done: disable openai."
    await harness.send(harness.telegram.private_message(ADMIN, "/providers default vitalentum"))
    assert harness.last_text(ADMIN) == "Done: default vitalentum:gpt-3.5-turbo."
    harness.providers.script("vitalentum", "from vitalentum")
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.last_text(USER) == "from vitalentum"
    await harness.send(harness.telegram.private_message(USER, "/model openai"))
    assert "openai is switched off" in harness.last_text(USER)


async def test_an_unexpected_error_gets_an_apology_and_the_bot_goes_on(
        harness: Harness) -> None:
    harness.telegram.fail_next("getChatMember", status=400, description="Bad Request: odd")
    harness.telegram.fail_next("sendMessage", status=400,
                               description="Bad Request: something unexpected")
    await harness.send(harness.telegram.private_message(USER, "/help"))
    assert harness.last_text(USER) == "Sorry, something went wrong on my side. Please try again."
    await harness.send(harness.telegram.private_message(USER, "/help"))
    assert "/model" in harness.last_text(USER)


async def test_a_blocked_user_is_left_alone(harness: Harness) -> None:
    harness.providers.script("openai", "hello")
    harness.telegram.block(USER)
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.texts(USER) == []
    answer = (await harness.stored(USER))[-1]
    assert answer.status == "interrupted"


async def test_the_drafts_own_stop_button_stops_the_answer(make_harness: HarnessFactory) -> None:
    harness = await make_harness(stream_mode="draft")
    release = asyncio.Event()
    harness.providers.script("openai", Answer("Drafted words keep coming", piece_size=6,
                                              chunks=by_event, hold_after=3, release=release))
    answering = asyncio.create_task(harness.send(harness.telegram.private_message(USER, "go")))
    [draft] = await harness.telegram.wait_calls("sendMessageDraft", chat_id=USER)
    assert draft.params["can_stop"] is True
    await harness.send(harness.telegram.stopped_generation(USER, draft.params["draft_id"]))
    await asyncio.wait_for(answering, 10)
    final = harness.texts(USER)[-1]
    assert final.startswith("Drafted")
    assert final.endswith("⏹ Stopped.")
    assert (await harness.stored(USER))[-1].status == "stopped"
    release.set()
