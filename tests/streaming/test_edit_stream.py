"""Edit mode end to end: a real aiogram Bot streaming into the fake Bot API over HTTP."""

from __future__ import annotations

import telegramify_markdown

from bot.streaming import ChatTarget, Decor, StopButton
from tests.fakes.telegram import NOT_MODIFIED, FakeClock, FakeTelegram
from tests.streaming.conftest import StreamerFactory
from tests.streaming.support import GROUP, PRIVATE, feed, message_calls, spacing, words

STOP = StopButton("⏹ Stop", "stop:42")
WITH_STOP = Decor(stop_button=STOP)
STOP_MARKUP = {"inline_keyboard": [[{"text": "⏹ Stop", "callback_data": "stop:42"}]]}
PROSE = " ".join(f"Sentence number {i} is here, with some words." for i in range(60))


async def test_streams_by_editing_one_message_at_most_once_per_interval(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    streamer = make_streamer()
    async with streamer.open(ChatTarget(PRIVATE, private=True), decor=WITH_STOP) as writer:
        await feed(clock, writer, words(PROSE))
        delivery = await writer.finish()

    calls = message_calls(telegram, PRIVATE)
    assert calls[0].method == "sendMessage"
    assert {c.method for c in calls[1:]} == {"editMessageText"}
    assert len(calls) > 5  # it really streamed
    assert min(spacing(calls[:-1])) >= 1.0 - 1e-6  # the last word goes at once
    assert telegram.visible_texts(PRIVATE) == [PROSE]
    assert delivery.delivered
    assert delivery.message_ids == [1]
    assert telegram.errors() == []


async def test_every_streaming_call_is_plain_text_with_the_latest_text(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    text = "Some **bold** claim and `code` here. " * 10
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        await feed(clock, writer, words(text))
        await writer.finish()

    calls = message_calls(telegram, PRIVATE)
    assert all("parse_mode" not in c.params for c in calls)
    streamed = [c.params["text"] for c in calls[:-1]]
    assert all(text.startswith(s) for s in streamed)  # raw Markdown, a prefix of the answer
    assert streamed == sorted(streamed, key=len)  # only ever growing
    expected_text, entities = telegramify_markdown.convert(text)
    final = telegram.message(PRIVATE, 1)
    assert final.text == expected_text.rstrip()
    assert final.entities == [e.to_dict() for e in entities]


async def test_stop_button_while_streaming_and_removed_at_the_end(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True), decor=WITH_STOP) as w:
        await feed(clock, w, words(PROSE[:600]))
        await w.finish()

    calls = message_calls(telegram, PRIVATE)
    assert all(c.params.get("reply_markup") == STOP_MARKUP for c in calls[:-1])
    assert "reply_markup" not in calls[-1].params
    assert telegram.message(PRIVATE, 1).reply_markup is None


async def test_no_call_when_only_whitespace_was_added(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        await feed(clock, writer, ["Hello", " world", "\n", "  ", "\n\n", " "], every=2.0)
        await writer.finish()

    texts = [c.params["text"] for c in message_calls(telegram, PRIVATE)]
    assert texts == ["Hello", "Hello world"]  # the final render equals the last edit: skipped
    assert not [c for c in telegram.log if c.description == NOT_MODIFIED]


async def test_first_text_is_a_whole_word_without_an_extra_call(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        started = clock.now()
        await feed(clock, writer, ["Hel", "lo", " wor", "ld", ", how", " are", " you?"], every=0.05)
        await writer.finish()

    first = message_calls(telegram, PRIVATE)[0]
    assert first.params["text"].split()[0] == "Hello"
    assert first.at - started <= 0.3
    assert telegram.visible_texts(PRIVATE) == ["Hello world, how are you?"]


async def test_first_text_waits_at_most_the_first_word_wait_for_a_slow_model(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        started = clock.now()
        await feed(clock, writer, ["Extraordinari", "ly slow"], every=5.0)
        await writer.finish()

    first = message_calls(telegram, PRIVATE)[0]
    assert first.params["text"] == "Extraordinari"
    assert abs(first.at - started - 0.3) < 1e-6


async def test_first_message_replies_to_the_question_in_its_topic(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    question = telegram.group_message(GROUP, 7, "what is up?", mention=True, thread_id=12)
    question_id = question["message"]["message_id"]
    target = ChatTarget(GROUP, private=False, thread_id=12, reply_to_message_id=question_id)
    async with make_streamer().open(target) as writer:
        await feed(clock, writer, words(PROSE[:300]))
        await writer.finish()

    answer = telegram.messages(GROUP)[0]
    assert answer.reply_to == question_id
    assert answer.thread_id == 12
    assert answer.text == PROSE[:300]


async def test_footer_is_the_last_plain_line(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True), decor=WITH_STOP) as w:
        await feed(clock, w, words("A partial **answer** that was cut"))
        await w.finish(footer="⏹ Stopped")

    final = telegram.message(PRIVATE, 1)
    assert final.text == "A partial answer that was cut\n\n⏹ Stopped"
    assert final.entities == [{"type": "bold", "offset": 10, "length": 6}]
    assert final.reply_markup is None


async def test_an_empty_answer_shows_only_the_footer(
    telegram: FakeTelegram, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        writer.append("   \n")
        delivery = await writer.finish(footer="⚠️ Interrupted: provider timed out")

    assert telegram.visible_texts(PRIVATE) == ["⚠️ Interrupted: provider timed out"]
    assert delivery.message_ids == [1]


async def test_an_empty_answer_without_footer_sends_nothing(
    telegram: FakeTelegram, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        delivery = await writer.finish()

    assert delivery.message_ids == []
    assert delivery.delivered
    assert message_calls(telegram, PRIVATE) == []


async def test_finish_is_idempotent_and_appends_after_it_are_ignored(
    telegram: FakeTelegram, make_streamer: StreamerFactory
) -> None:
    writer = make_streamer().open(ChatTarget(PRIVATE, private=True))
    writer.append("Done.")
    first = await writer.finish()
    writer.append(" More?")
    assert await writer.finish(footer="ignored") == first
    await writer.close()
    assert telegram.visible_texts(PRIVATE) == ["Done."]


async def test_stopping_mid_stream_leaves_the_partial_text_and_the_footer(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    pieces = words(PROSE)
    async with make_streamer().open(ChatTarget(PRIVATE, private=True), decor=WITH_STOP) as w:
        await feed(clock, w, pieces[:137])  # the user pressed Stop here: no more pieces
        delivery = await w.finish(footer="⏹ Stopped")

    partial = "".join(pieces[:137]).rstrip()
    assert telegram.visible_texts(PRIVATE) == [f"{partial}\n\n⏹ Stopped"]
    assert telegram.message(PRIVATE, delivery.message_ids[0]).reply_markup is None


async def test_text_keeps_growing_while_telegram_is_slow(
    telegram: FakeTelegram, make_streamer: StreamerFactory
) -> None:
    """A call in flight never holds up the provider: the next call carries everything."""
    release = telegram.pause("sendMessage")
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        writer.append("First words ")
        await telegram.wait_calls("sendMessage")
        for i in range(500):  # appended while Telegram has not answered yet
            writer.append(f"w{i} ")
        release.set()
        await writer.finish()

    edits = telegram.calls("editMessageText")
    assert telegram.calls("sendMessage")[0].params["text"] == "First words"
    assert len(edits) == 1
    assert telegram.visible_texts(PRIVATE) == [
        "First words " + " ".join(f"w{i}" for i in range(500))
    ]
