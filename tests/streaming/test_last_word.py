"""The end of an answer: its last word at once, a "thinking" status before it, reasoning above."""

from __future__ import annotations

from bot.streaming import ChatTarget, Decor, StopButton
from tests.fakes.telegram import FakeClock, FakeTelegram
from tests.streaming.conftest import StreamerFactory
from tests.streaming.support import PRIVATE, message_calls

THINKING = Decor(stop_button=StopButton("⏹ Stop", "stop"), thinking="💭 Thinking… {seconds} s")


async def test_the_last_word_goes_out_without_waiting_for_the_interval(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    streamer = make_streamer(edit_interval_private=5.0)
    async with streamer.open(ChatTarget(PRIVATE, private=True)) as writer:
        writer.append("The first words ")
        await clock.sleep(1.0)  # shown by now
        writer.append("and the last ones.")
        await clock.sleep(0.5)
        finished_at = clock.now()
        await writer.finish()
    _, last = message_calls(telegram, PRIVATE)
    assert last.params["text"] == "The first words and the last ones."
    assert last.at - finished_at < 0.1  # not first.at + 5 s
    assert telegram.visible_texts(PRIVATE) == ["The first words and the last ones."]

    # The burst is spent once: the chat's next answer waits out the interval after it.
    async with streamer.open(ChatTarget(PRIVATE, private=True)) as second:
        second.append("Next answer.")
        await second.finish()
    following = message_calls(telegram, PRIVATE)[2]
    assert following.at >= last.at + 5.0 - 1e-6


async def test_a_split_answers_remaining_messages_go_out_together(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    streamer = make_streamer(edit_interval_private=5.0)
    text = "**Bold** words here. " * 400  # about 8,400 characters: three messages
    async with streamer.open(ChatTarget(PRIVATE, private=True)) as writer:
        writer.append(text[:100])
        await clock.sleep(1.0)
        writer.append(text[100:])
        finished_at = clock.now()
        await writer.finish()
    finals = [c for c in message_calls(telegram, PRIVATE) if c.at >= finished_at]
    assert len(telegram.visible_texts(PRIVATE)) == 3
    assert finals
    assert all(c.at - finished_at < 0.5 for c in finals)
    assert telegram.count_429 == 0


async def test_a_reasoning_model_shows_that_it_thinks_until_the_answer(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True), decor=THINKING) as w:
        started = clock.now()
        w.think()
        await clock.sleep(3.5)  # reasoning pieces arrive; no text yet
        w.append("Forty-two.")
        await w.finish()
    calls = message_calls(telegram, PRIVATE)
    assert calls[0].method == "sendMessage"
    assert calls[0].params["text"] == "💭 Thinking… 0 s"
    assert calls[0].at - started < 1.0  # within one edit interval
    statuses = [c.params["text"] for c in calls if c.params["text"].startswith("💭")]
    assert statuses == ["💭 Thinking… 0 s", "💭 Thinking… 1 s", "💭 Thinking… 2 s",
                        "💭 Thinking… 3 s"]
    assert telegram.visible_texts(PRIVATE) == ["Forty-two."]  # the status is replaced


async def test_collapsed_reasoning_goes_above_the_answer(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    thoughts = "The user asks for the answer. " * 300  # longer than a message
    async with make_streamer().open(ChatTarget(PRIVATE, private=True), decor=THINKING) as w:
        w.think()
        w.append("It is **42**.")
        await w.finish(reasoning=thoughts)
    [message] = telegram.messages(PRIVATE)
    quote, bold = message.entities
    assert quote["type"] == "expandable_blockquote"
    assert quote["offset"] == 0
    shown_thoughts = message.text[: quote["length"]]
    assert shown_thoughts.startswith("…")
    assert thoughts.rstrip().endswith(shown_thoughts[1:])  # its end, cut to fit
    assert message.text.endswith("\n\nIt is 42.")
    assert bold["type"] == "bold"
    assert message.text[bold["offset"]:bold["offset"] + bold["length"]] == "42"
    assert len(message.text) <= 4096
