"""Replies, quotes, replies to other chats and forwards, as the bot receives them from the fake."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Message, Update

from bot.media.quotes import (
    QuotedContext,
    forwarded_context,
    is_reply_to,
    quoted_block,
    quoted_context,
)
from tests.fakes.telegram import FakeTelegram

ALICE, BOB = 7, 8
GROUP = -1001234


def message_of(update: dict[str, Any]) -> Message:
    message = Update.model_validate(update).message
    assert message is not None
    return message


@pytest.fixture
def names(telegram: FakeTelegram) -> None:
    telegram.set_user(ALICE, first_name="Alice", last_name="Smith")
    telegram.set_user(BOB, first_name="Bob")


@pytest.mark.usefixtures("names")
async def test_a_reply_carries_the_replied_text_and_its_author(telegram: FakeTelegram) -> None:
    original = telegram.group_message(GROUP, ALICE, "The meeting is at 5.\nBring slides.")
    reply = telegram.group_message(
        GROUP, BOB, "is that right?", mention=True,
        reply_to_message_id=original["message"]["message_id"],
    )
    context = quoted_context(message_of(reply))
    assert context == QuotedContext("Alice Smith", "The meeting is at 5.\nBring slides.", "reply")
    assert forwarded_context(message_of(reply)) is None


@pytest.mark.usefixtures("names")
async def test_a_quote_carries_only_the_quoted_part(telegram: FakeTelegram) -> None:
    original = telegram.group_message(GROUP, ALICE, "Prices rose 😀 by 5% in May")
    reply = telegram.group_message(
        GROUP, BOB, "why?", reply_to_message_id=original["message"]["message_id"],
        quote={"text": "by 5%", "position": 15},  # UTF-16 units: the emoji counts twice
    )
    assert quoted_context(message_of(reply)) == QuotedContext("Alice Smith", "by 5%", "quote")


@pytest.mark.usefixtures("names")
async def test_replies_to_media_say_what_the_media_is(telegram: FakeTelegram) -> None:
    photo = telegram.group_photo(GROUP, ALICE, caption="our new office")
    bare = telegram.group_photo(GROUP, ALICE)
    document = telegram.media_message(
        GROUP, ALICE, {"document": telegram.add_file(b"x", file_name="plan.pdf")}
    )
    texts = []
    for replied in (photo, bare, document):
        reply = telegram.group_message(
            GROUP, BOB, "what?", reply_to_message_id=replied["message"]["message_id"]
        )
        context = quoted_context(message_of(reply))
        assert context is not None
        texts.append(context.text)
    assert texts == ["[photo] our new office", "[photo]", "[file: plan.pdf]"]


async def test_a_reply_to_another_chat_names_its_origin(telegram: FakeTelegram) -> None:
    news = telegram.origin_channel(-100777, 42, title="Daily News", signature="Editor")
    quoted = telegram.private_message(
        ALICE, "explain", external_reply=telegram.external_reply(news, chat_id=-100777),
        quote={"text": "Rates are up", "position": 0},
    )
    media_only = telegram.private_message(
        ALICE, "what is it?",
        external_reply=telegram.external_reply(
            telegram.origin_hidden_user("Anonymous Fan"), media={"photo": telegram.photo_sizes()}
        ),
    )
    nothing = telegram.private_message(
        ALICE, "hm", external_reply=telegram.external_reply(telegram.origin_user(BOB))
    )
    assert [quoted_context(message_of(u)) for u in (quoted, media_only, nothing)] == [
        QuotedContext("Daily News (Editor)", "Rates are up", "external"),
        QuotedContext("Anonymous Fan", "[photo]", "external"),
        QuotedContext("User8", "(a message)", "external"),
    ]


@pytest.mark.usefixtures("names")
async def test_forwards_name_their_original_author(telegram: FakeTelegram) -> None:
    telegram.set_chat(-500, title="Team chat")
    origins = [
        telegram.origin_user(BOB),
        telegram.origin_hidden_user("Ghost Writer"),
        telegram.origin_chat(-500, signature="admin"),
        telegram.origin_channel(-100900, 3, title="Releases"),
    ]
    updates = [
        telegram.private_message(ALICE, f"text {n}", forward_origin=origin)
        for n, origin in enumerate(origins)
    ]
    forwarded = [forwarded_context(message_of(update)) for update in updates]
    assert forwarded == [
        QuotedContext("Bob", "text 0", "forward"),
        QuotedContext("Ghost Writer", "text 1", "forward"),
        QuotedContext("Team chat (admin)", "text 2", "forward"),
        QuotedContext("Releases", "text 3", "forward"),
    ]
    assert quoted_context(message_of(telegram.private_message(ALICE, "plain"))) is None


def test_an_anonymous_admin_is_named_by_the_group() -> None:
    reply = Message.model_validate(
        {
            "message_id": 2, "date": 0, "chat": {"id": GROUP, "type": "supergroup", "title": "G"},
            "from": {"id": BOB, "is_bot": False, "first_name": "Bob"}, "text": "ok?",
            "reply_to_message": {
                "message_id": 1, "date": 0,
                "chat": {"id": GROUP, "type": "supergroup", "title": "G"},
                "sender_chat": {"id": GROUP, "type": "supergroup", "title": "Admins of G"},
                "author_signature": "Carol", "text": "rules changed",
            },
        }
    )
    assert quoted_context(reply) == QuotedContext("Admins of G (Carol)", "rules changed", "reply")


def test_the_topic_creation_message_is_no_reply() -> None:
    group = {"id": GROUP, "type": "supergroup", "title": "G", "is_forum": True}
    topic_start = {
        "message_id": 10, "date": 0, "chat": group, "message_thread_id": 10,
        "from": {"id": 99, "is_bot": True, "first_name": "Bot"},
        "forum_topic_created": {"name": "Ideas", "icon_color": 7322096},
    }
    in_topic = Message.model_validate(
        {
            "message_id": 11, "date": 0, "chat": group, "message_thread_id": 10,
            "is_topic_message": True, "from": {"id": ALICE, "is_bot": False, "first_name": "A"},
            "text": "hello", "reply_to_message": topic_start,
        }
    )
    assert quoted_context(in_topic) is None
    assert not is_reply_to(in_topic, 99)  # even when the bot opened the topic


@pytest.mark.usefixtures("names")
async def test_replies_to_the_bot_are_told_apart(telegram: FakeTelegram, bot: Bot) -> None:
    answer = await bot.send_message(GROUP, "I am the bot's answer")
    to_bot = telegram.group_message(GROUP, ALICE, "more", reply_to_message_id=answer.message_id)
    to_bob = telegram.group_message(
        GROUP, ALICE, "you?",
        reply_to_message_id=telegram.group_message(GROUP, BOB, "hi")["message"]["message_id"],
    )
    updates = await bot.get_updates(timeout=0)
    me = await bot.get_me()
    replies = [u.message for u in updates if u.message and u.message.reply_to_message]
    assert [is_reply_to(m, me.id) for m in replies] == [True, False]
    assert [m.message_id for m in replies] == [
        to_bot["message"]["message_id"], to_bob["message"]["message_id"]
    ]
    assert not is_reply_to(message_of(telegram.group_message(GROUP, ALICE, "new")), me.id)


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        ("reply", "Replying to a message from Alice Smith:"),
        ("quote", "Replying to this part of a message from Alice Smith:"),
        ("external", "Replying to a message from Alice Smith in another chat:"),
        ("forward", "Forwarded message from Alice Smith:"),
    ],
)
def test_the_block_names_the_author_and_quotes_every_line(kind: str, header: str) -> None:
    quoted = QuotedContext("Alice\nSmith", "first\n\n> already quoted\nlast", kind)  # type: ignore[arg-type]
    assert quoted_block(quoted) == (
        f"{header}\n> first\n>\n> > already quoted\n> last"
    )


def test_a_nameless_author_is_someone() -> None:
    assert quoted_block(QuotedContext("  ", "x", "reply")) == (
        "Replying to a message from someone:\n> x"
    )
