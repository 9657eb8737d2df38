"""Flood control: per-chat pacing, 429 windows obeyed, intervals that adapt, groups at 20/min."""

from __future__ import annotations

import asyncio

from bot.streaming import ChatTarget
from tests.fakes.telegram import Call, FakeClock, FakeTelegram
from tests.streaming.conftest import StreamerFactory
from tests.streaming.support import GROUP, OTHER_GROUP, PRIVATE, feed, message_calls, spacing

LONG = " ".join(f"word{i}" for i in range(3000))  # 60 s of pieces at 50/s


def assert_no_call_inside_windows(telegram: FakeTelegram, chat_id: int) -> None:
    """After each 429 (retry after N), nothing went to that chat for N seconds."""
    calls = telegram.calls(chat_id=chat_id)
    for i, refused in enumerate(calls):
        if refused.status == 429:
            retry_after = int(refused.description.rsplit(" ", 1)[1])
            later = [c for c in calls[i + 1 :] if c.at < refused.at + retry_after - 1e-6]
            assert later == [], (refused, later)


def pieces(text: str) -> list[str]:
    return [w + " " for w in text.split(" ")]


async def test_a_429_stops_every_call_to_that_chat_until_retry_after(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    telegram.fail_next(
        "editMessageText",
        status=429,
        description="Too Many Requests: retry after 7",
        retry_after=7,
        times=1,
    )
    text = LONG[:3900].rsplit(" ", 1)[0]  # one message, 25 s of pieces
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        await feed(clock, writer, pieces(text), every=0.05)
        await writer.finish()

    calls = message_calls(telegram, PRIVATE)
    refused = next(c for c in calls if c.status == 429)
    after = calls[calls.index(refused) + 1 :]
    assert after[0].at >= refused.at + 7
    assert telegram.visible_texts(PRIVATE) == [text]
    # the interval adapted (doubled) and drifts back toward the configured second
    gaps = spacing(after)
    assert len(gaps) >= 4
    assert all(1.5 < gap < 2.0 for gap in gaps[:4])
    assert gaps == sorted(gaps, reverse=True)


async def test_the_text_keeps_being_read_during_a_window_and_the_latest_goes_out(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    telegram.fail_next(
        "editMessageText",
        status=429,
        description="Too Many Requests: retry after 30",
        retry_after=30,
    )
    text = LONG[:1500]
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        await feed(clock, writer, pieces(text))  # ≈ 5 s: all inside the 30 s window
        await writer.finish()

    calls = message_calls(telegram, PRIVATE)
    assert [(c.method, c.status) for c in calls] == [
        ("sendMessage", 200),
        ("editMessageText", 429),
        ("editMessageText", 200),
    ]
    assert calls[-1].at >= calls[1].at + 30
    assert calls[-1].params["text"] == text.strip()


async def test_other_chats_are_not_slowed_by_one_chats_window(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    telegram.fail_next(
        "editMessageText",
        status=429,
        description="Too Many Requests: retry after 20",
        retry_after=20,
        match=lambda params: params["chat_id"] == GROUP,
    )
    streamer = make_streamer()
    text = pieces(LONG[:3000])
    async with (
        streamer.open(ChatTarget(GROUP, private=False)) as a,
        streamer.open(ChatTarget(OTHER_GROUP, private=False)) as b,
    ):
        await asyncio.gather(feed(clock, a, text, 0.05), feed(clock, b, text, 0.05))
        await asyncio.gather(a.finish(), b.finish())

    refused = next(c for c in telegram.calls(chat_id=GROUP) if c.status == 429)
    other = [c for c in message_calls(telegram, OTHER_GROUP) if refused.at < c.at < refused.at + 20]
    assert len(other) >= 6  # every 3 s as usual
    assert_no_call_inside_windows(telegram, GROUP)


async def test_a_too_fast_configuration_still_obeys_every_window(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    """Even when configured faster than Telegram allows, the real limit wins quickly."""
    async with make_streamer(edit_interval_private=0.2).open(
        ChatTarget(PRIVATE, private=True)
    ) as writer:
        await feed(clock, writer, pieces(LONG[:6000]))
        await writer.finish()

    assert telegram.count_429 >= 1
    assert_no_call_inside_windows(telegram, PRIVATE)
    assert telegram.count_429 <= 4  # the interval adapted instead of hammering
    assert " ".join(telegram.visible_texts(PRIVATE)) == LONG[:6000].strip()


async def test_group_at_steady_state_stays_under_20_per_minute_without_429s(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(GROUP, private=False)) as writer:
        started = clock.now()
        await feed(clock, writer, pieces(LONG), every=0.02)  # a 60 s answer
        await writer.finish()

    calls = message_calls(telegram, GROUP)
    assert telegram.count_429 == 0
    assert min(spacing(calls[:-1])) >= 3.0 - 1e-6  # the last word goes at once
    per_minute = [c for c in calls if c.at < started + 60]
    assert len(per_minute) <= 20 + 1  # paced calls, and the one burst of the answer's end
    assert " ".join(telegram.visible_texts(GROUP)) == LONG


async def test_two_topics_of_one_group_share_the_groups_pace(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    streamer = make_streamer()
    text = pieces(LONG[:2000])
    async with (
        streamer.open(ChatTarget(GROUP, private=False, thread_id=1)) as a,
        streamer.open(ChatTarget(GROUP, private=False, thread_id=2)) as b,
    ):
        await asyncio.gather(feed(clock, a, text), feed(clock, b, text))
        await asyncio.gather(a.finish(), b.finish())

    calls: list[Call] = message_calls(telegram, GROUP)
    assert {c.params.get("message_thread_id") for c in calls if c.method == "sendMessage"} == {1, 2}
    # One answer's last word may skip the spacing; the other topic's waits its turn.
    assert len([gap for gap in spacing(calls) if gap < 3.0 - 1e-6]) <= 1
    assert telegram.count_429 == 0


async def test_all_chats_together_stay_under_the_bot_wide_limit(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    streamer = make_streamer()
    chats = [PRIVATE + i for i in range(60)]
    text = pieces(LONG[:800])
    writers = [streamer.open(ChatTarget(chat, private=True)) for chat in chats]
    await asyncio.gather(*(feed(clock, w, text) for w in writers))
    await asyncio.gather(*(w.finish() for w in writers))

    times = sorted(c.at for c in telegram.log)
    busiest = max(
        sum(1 for t in times[i:] if t < start + 1.0 - 1e-9) for i, start in enumerate(times)
    )
    assert busiest <= 30 + 10  # rate + burst
    assert telegram.count_429 == 0
    assert all(telegram.visible_texts(chat) == [LONG[:800].strip()] for chat in chats)
