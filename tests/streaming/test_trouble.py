"""Telegram trouble mid-stream: deleted messages, blocked bots, server errors, refused entities."""

from __future__ import annotations

import asyncio
import itertools

from bot.streaming import ChatTarget
from tests.fakes.telegram import FakeClock, FakeTelegram
from tests.streaming.conftest import StreamerFactory
from tests.streaming.support import GROUP, PRIVATE, feed, message_calls, words

TEXT = " ".join(f"Part {i} of a steady answer." for i in range(80))


async def test_a_deleted_message_continues_in_a_new_one(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        pieces = words(TEXT)
        await feed(clock, writer, pieces[:100])
        telegram.delete_message(PRIVATE, 1)
        await feed(clock, writer, pieces[100:])
        delivery = await writer.finish()

    refused = [c for c in telegram.errors() if c.method == "editMessageText"]
    assert [c.description for c in refused] == ["Bad Request: message to edit not found"]
    assert telegram.visible_texts(PRIVATE) == [TEXT]
    assert delivery.message_ids == [2]


async def test_a_blocked_bot_abandons_quietly(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        pieces = words(TEXT)
        await feed(clock, writer, pieces[:100])
        telegram.block(PRIVATE)
        await feed(clock, writer, pieces[100:150])
        assert writer.abandoned
        writer.append("more text that nobody will see")
        delivery = await writer.finish(footer="⏹ Stopped")

    assert not delivery.delivered
    forbidden = [c for c in telegram.calls(chat_id=PRIVATE) if c.status == 403]
    assert len(forbidden) == 1
    assert telegram.calls(chat_id=PRIVATE)[-1] is forbidden[0]  # nothing after the 403


async def test_a_kicked_bot_stops_even_before_the_first_text(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    telegram.block(GROUP, "Forbidden: bot was kicked from the supergroup chat")
    async with make_streamer().open(ChatTarget(GROUP, private=False)) as writer:
        await clock.sleep(1)  # the typing action already hit the 403
        assert writer.abandoned
        delivery = await writer.finish()

    assert not delivery.delivered
    assert [c.method for c in telegram.calls(chat_id=GROUP)] == ["sendChatAction"]


async def test_server_errors_are_retried_with_backoff(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    telegram.fail_next("sendMessage", status=502, description="Bad Gateway", times=3)
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        await feed(clock, writer, words(TEXT[:400]))
        await writer.finish()

    sends = telegram.calls("sendMessage")
    assert [c.status for c in sends] == [502, 502, 502, 200]
    gaps = [b.at - a.at for a, b in itertools.pairwise(sends)]
    assert gaps == sorted(gaps)
    assert gaps[0] >= 1.0 - 1e-6
    assert telegram.visible_texts(PRIVATE) == [TEXT[:400]]


async def test_telegram_down_for_too_long_gives_up(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    telegram.fail_next("sendMessage", status=500, times=1000)
    async with make_streamer(network_give_up=60).open(ChatTarget(PRIVATE, private=True)) as w:
        w.append("Hello there.")
        delivery = await w.finish()

    assert not delivery.delivered
    assert w.abandoned
    sends = telegram.calls("sendMessage")
    assert 5 < len(sends) < 20
    assert sends[-1].at - sends[0].at >= 60


async def test_refused_entities_fall_back_to_the_same_text_plain(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    telegram.entities_enabled = False
    async with make_streamer().open(ChatTarget(PRIVATE, private=True)) as writer:
        await feed(clock, writer, words("Use **this** and `that` wisely."))
        await writer.finish()

    last = message_calls(telegram, PRIVATE)[-2:]
    assert "entities" in last[0].params
    assert last[0].status == 400
    assert "entities" not in last[1].params
    assert last[1].status == 200
    assert telegram.visible_texts(PRIVATE) == ["Use this and that wisely."]


async def test_a_group_upgraded_to_a_supergroup_keeps_streaming_there(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    old_group, new_group = -4001, -1004001
    telegram.fail_next(
        "sendMessage",
        status=400,
        migrate_to_chat_id=new_group,
        description="Bad Request: group chat was upgraded to a supergroup chat",
    )
    async with make_streamer().open(ChatTarget(old_group, private=False)) as writer:
        await feed(clock, writer, words(TEXT[:300]))
        await writer.finish()

    assert telegram.visible_texts(new_group) == [TEXT[:300]]


async def test_close_without_finish_stops_all_work(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    streamer = make_streamer()
    writer = streamer.open(ChatTarget(PRIVATE, private=True))
    await feed(clock, writer, words(TEXT[:200]))
    await writer.close()
    calls = len(telegram.log)
    writer.append("ignored")
    await clock.sleep(30)
    assert len(telegram.log) == calls
    await writer.close()  # idempotent


async def test_streamer_aclose_closes_open_writers(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    streamer = make_streamer()
    writers = [streamer.open(ChatTarget(PRIVATE + i, private=True)) for i in range(3)]
    for writer in writers:
        writer.append("Hi")
    await asyncio.sleep(0)
    await streamer.aclose()
    calls = len(telegram.log)
    await clock.sleep(30)
    assert len(telegram.log) == calls


async def test_a_finished_writer_leaves_the_streamer_even_without_close(
    telegram: FakeTelegram, make_streamer: StreamerFactory
) -> None:
    streamer = make_streamer()
    for i in range(3):
        writer = streamer.open(ChatTarget(PRIVATE, private=True))
        writer.append(f"Answer {i}.")
        await writer.finish()
    await asyncio.sleep(0)  # done-callbacks run on the next loop iteration
    assert streamer.open_writers == 0
    assert telegram.visible_texts(PRIVATE) == ["Answer 0.", "Answer 1.", "Answer 2."]
