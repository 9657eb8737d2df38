"""Draft mode: native sendMessageDraft in private chats, finished by sendMessage; fallbacks."""

from __future__ import annotations

from bot.streaming import ChatTarget, Decor, StopButton
from tests.fakes.telegram import FakeClock, FakeTelegram
from tests.streaming.conftest import StreamerFactory
from tests.streaming.support import GROUP, PRIVATE, feed, message_calls, spacing, words

TEXT = " ".join(f"Drafted sentence {i}, streaming along." for i in range(60))


async def test_draft_streams_then_sends_the_complete_text(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer(mode="draft").open(
        ChatTarget(PRIVATE, private=True, reply_to_message_id=None),
        decor=Decor(stop_button=StopButton("x", "y")),
    ) as writer:
        assert writer.mode == "draft"
        pieces = words(TEXT)
        await feed(clock, writer, pieces[: len(pieces) // 2])
        shown_mid_way = telegram.draft(PRIVATE)
        await feed(clock, writer, pieces[len(pieces) // 2 :])
        delivery = await writer.finish()

    drafts = telegram.calls("sendMessageDraft")
    assert len(drafts) > 5
    assert {c.params["draft_id"] for c in drafts} == {writer.draft_id}
    assert writer.draft_id
    assert all(c.params["can_stop"] is True and "parse_mode" not in c.params for c in drafts)
    assert shown_mid_way
    assert TEXT.startswith(shown_mid_way)
    calls = message_calls(telegram, PRIVATE)
    assert calls[-1].method == "sendMessage"
    assert calls[-1].params["text"] == TEXT
    assert "reply_markup" not in calls[-1].params
    assert telegram.calls("editMessageText") == []
    assert min(spacing(calls)) >= 1.0 - 1e-6
    assert telegram.visible_texts(PRIVATE) == [TEXT]
    assert telegram.draft(PRIVATE) is None  # the message replaced the draft
    assert delivery.message_ids == [1]


async def test_each_answer_has_its_own_draft_id(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    streamer = make_streamer(mode="draft")
    ids = []
    for answer in ("First answer here.", "Second answer here."):
        async with streamer.open(ChatTarget(PRIVATE, private=True)) as writer:
            await feed(clock, writer, words(answer), every=0.5)
            await writer.finish()
            ids.append(writer.draft_id)
    assert ids[0] != ids[1]
    assert all(ids)
    assert telegram.visible_texts(PRIVATE) == ["First answer here.", "Second answer here."]


async def test_refused_drafts_fall_back_to_edits_without_losing_text(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    telegram.drafts_enabled = False
    streamer = make_streamer(mode="draft")
    async with streamer.open(ChatTarget(PRIVATE, private=True)) as writer:
        await feed(clock, writer, words(TEXT))
        assert writer.mode == "edit"
        await writer.finish()

    calls = message_calls(telegram, PRIVATE)
    assert [c.method for c in calls[:3]] == ["sendMessageDraft", "sendMessage", "editMessageText"]
    assert TEXT.startswith(calls[1].params["text"])
    assert len(calls[1].params["text"]) > 5
    assert telegram.visible_texts(PRIVATE) == [TEXT]

    async with streamer.open(ChatTarget(PRIVATE, private=True)) as second:  # remembered
        assert second.mode == "edit"
        await feed(clock, second, words("Again."))
        await second.finish()
    assert len(telegram.calls("sendMessageDraft")) == 1


async def test_groups_never_get_drafts(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    async with make_streamer(mode="draft").open(ChatTarget(GROUP, private=False)) as writer:
        assert writer.mode == "edit"
        assert writer.draft_id is None
        await feed(clock, writer, words(TEXT[:500]))
        await writer.finish()

    assert telegram.calls("sendMessageDraft") == []
    assert telegram.visible_texts(GROUP) == [TEXT[:500]]


async def test_a_long_draft_answer_persists_each_full_part_as_a_message(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    paragraph = " ".join(["Lorem ipsum dolor sit amet."] * 12)
    text = "\n\n".join(f"Paragraph {i}. {paragraph}" for i in range(40))
    async with make_streamer(mode="draft").open(ChatTarget(PRIVATE, private=True)) as writer:
        await feed(clock, writer, words(text), every=0.005)
        delivery = await writer.finish()

    visible = telegram.visible_texts(PRIVATE)
    assert len(visible) == len(delivery.message_ids) == 4
    assert "\n\n".join(visible) == text
    sends = telegram.calls("sendMessage")
    drafts = telegram.calls("sendMessageDraft")
    assert sends[0].at < drafts[-1].at  # the first part was persisted while still drafting
