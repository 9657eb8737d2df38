"""The typing action: from the start until the first text, every 4 s, in the right topic."""

from __future__ import annotations

from bot.streaming import ChatTarget
from tests.fakes.telegram import FakeClock, FakeTelegram
from tests.streaming.conftest import StreamerFactory
from tests.streaming.support import GROUP, PRIVATE, feed, words


async def test_typing_repeats_in_the_topic_until_the_first_text(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    target = ChatTarget(GROUP, private=False, thread_id=77)
    async with make_streamer().open(target) as writer:
        opened = clock.now()
        await clock.sleep(10)  # the model thinks for a while
        await feed(clock, writer, words("Finally, an answer arrives."), every=1.0)
        await writer.finish()

    typing = telegram.calls("sendChatAction")
    assert [round(c.at - opened, 6) for c in typing] == [0.0, 4.0, 8.0]
    assert all(
        c.params == {"chat_id": GROUP, "action": "typing", "message_thread_id": 77} for c in typing
    )
    first_text = telegram.calls("sendMessage")[0]
    assert first_text.at > typing[-1].at
    assert first_text.params["message_thread_id"] == 77


async def test_no_typing_once_text_is_visible(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        writer.append("Quick ")
        await clock.sleep(20)
        writer.append("answer.")
        await writer.finish()

    assert len(telegram.calls("sendChatAction")) == 1
    assert "message_thread_id" not in telegram.calls("sendChatAction")[0].params


async def test_no_typing_inside_a_flood_window(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    telegram.fail_next(
        "sendChatAction", status=429, retry_after=9, description="Too Many Requests: retry after 9"
    )
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        await clock.sleep(12)
        writer.append("Hi.")
        await writer.finish()

    typing = telegram.calls("sendChatAction")
    assert [c.status for c in typing] == [429, 200]
    assert typing[1].at - typing[0].at >= 9
