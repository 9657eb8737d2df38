"""The fake Bot API itself: it must behave like Telegram for every bot test that relies on it."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    ChatMemberAdministrator,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)

from tests.fakes.telegram import FakeClock, FakeTelegram, FloodRules
from tests.streaming.support import GROUP, PRIVATE

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="y")]]
)


async def test_get_me_and_a_wrong_token(telegram: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "test_llm_bot", True)
    stranger = Bot("999:WRONG", session=bot.session)
    with pytest.raises(TelegramUnauthorizedError):
        await stranger.get_me()


async def test_updates_parse_as_aiogram_updates_and_offsets_confirm(
    telegram: FakeTelegram, bot: Bot
) -> None:
    telegram.private_message(PRIVATE, "/start")
    question = telegram.group_message(GROUP, 7, "what now?", mention=True, thread_id=3)
    telegram.group_message(
        GROUP, 8, "a reply", reply_to_message_id=question["message"]["message_id"]
    )
    telegram.stopped_generation(PRIVATE, draft_id=99)

    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [1, 2, 3, 4]
    start, mention, reply, stopped = updates
    assert start.message
    assert start.message.entities
    assert start.message.entities[0].type == "bot_command"
    assert mention.message
    assert mention.message.text == "@test_llm_bot what now?"
    assert mention.message.entities
    assert mention.message.entities[0].type == "mention"
    assert mention.message.message_thread_id == 3
    assert mention.message.is_topic_message
    assert reply.message
    assert reply.message.reply_to_message
    assert reply.message.reply_to_message.text == "@test_llm_bot what now?"
    assert stopped.stopped_message_generation
    assert stopped.stopped_message_generation.draft_id == 99
    assert await bot.get_updates(offset=3, timeout=0) == updates[2:]
    assert [u["update_id"] for u in telegram.pending_updates] == [3, 4]


async def test_long_polling_returns_as_soon_as_an_update_arrives(
    telegram: FakeTelegram, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await telegram.wait_calls("getUpdates")
    sent = await bot.send_message(PRIVATE, "question?")
    telegram.callback_query(PRIVATE, PRIVATE, sent.message_id, "stop:1")
    (update,) = await poll
    assert update.callback_query
    assert update.callback_query.data == "stop:1"
    assert isinstance(update.callback_query.message, Message)


async def test_a_dispatcher_polls_the_fake_and_answers() -> None:
    """The way the lead's handler tests and the end-to-end test use it (real clock)."""
    async with FakeTelegram() as telegram:
        bot = telegram.bot()
        dispatcher = Dispatcher()
        answered = asyncio.Event()

        @dispatcher.message()
        async def echo(message: Message) -> None:
            await message.answer(f"echo: {message.text}")
            answered.set()

        polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
        telegram.private_message(PRIVATE, "ping")
        await asyncio.wait_for(answered.wait(), 10)
        await dispatcher.stop_polling()
        await polling
        await bot.session.close()
    assert telegram.visible_texts(PRIVATE) == ["echo: ping"]


async def test_private_flood_control_with_penalty(telegram: FakeTelegram, bot: Bot) -> None:
    for i in range(3):  # the burst
        await bot.send_message(PRIVATE, f"message {i}")
    with pytest.raises(TelegramRetryAfter) as first:
        await bot.send_message(PRIVATE, "too fast")
    assert first.value.retry_after == 1
    with pytest.raises(TelegramRetryAfter) as second:
        await bot.send_chat_action(PRIVATE, "typing")  # still inside the window
    assert second.value.retry_after == 3  # the window grew
    await bot.send_message(GROUP, "other chats are fine")
    assert telegram.count_429 == 2


async def test_group_flood_control_is_20_per_minute(
    telegram: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    for i in range(3):
        await bot.send_message(GROUP, f"message {i}")
    with pytest.raises(TelegramRetryAfter) as refused:
        await bot.send_message(GROUP, "too fast")
    assert refused.value.retry_after == 3
    await clock.sleep(3)
    await bot.send_message(GROUP, "fine again")


async def test_edits_behave_like_telegram(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.rules = FloodRules(enabled=False)
    sent = await bot.send_message(PRIVATE, "Hello", reply_markup=KEYBOARD)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Hello  \n",
            chat_id=PRIVATE,
            message_id=sent.message_id,
            reply_markup=KEYBOARD,
        )
    await bot.edit_message_text("Hello", chat_id=PRIVATE, message_id=sent.message_id)
    assert telegram.message(PRIVATE, sent.message_id).reply_markup is None  # markup left out
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(PRIVATE, "😀" * 2049)  # 4098 UTF-16 units
    await bot.send_message(PRIVATE, "😀" * 2048)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(PRIVATE, " \n ")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(
            PRIVATE, "😀 ab", entities=[MessageEntity(type="bold", offset=3, length=3)]
        )
    await bot.send_message(
        PRIVATE, "😀 ab", entities=[MessageEntity(type="bold", offset=3, length=2)]
    )
    telegram.delete_message(PRIVATE, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("Hi", chat_id=PRIVATE, message_id=sent.message_id)


async def test_parse_modes_are_checked_and_stripped(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.rules = FloodRules(enabled=False)
    await bot.send_message(PRIVATE, "<b>bold</b> &amp; plain", parse_mode="HTML")
    assert telegram.visible_texts(PRIVATE) == ["bold & plain"]
    with pytest.raises(TelegramBadRequest, match="Can't find end"):
        await bot.send_message(PRIVATE, "<b>half", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="byte offset 5"):
        await bot.send_message(PRIVATE, "half *bold", parse_mode="Markdown")
    with pytest.raises(TelegramBadRequest, match="reserved"):
        await bot.send_message(PRIVATE, "Stop.", parse_mode="MarkdownV2")


async def test_drafts_only_in_private_chats(telegram: FakeTelegram, bot: Bot) -> None:
    assert await bot.send_message_draft(PRIVATE, draft_id=5, text="Thinking")
    assert telegram.draft(PRIVATE) == "Thinking"
    with pytest.raises(TelegramBadRequest, match="private"):
        await bot.send_message_draft(GROUP, draft_id=5, text="no")
    with pytest.raises(TelegramBadRequest, match="non-zero"):
        await bot.send_message_draft(PRIVATE, draft_id=0, text="no")
    telegram.drafts_enabled = False
    with pytest.raises(TelegramBadRequest):
        await bot.send_message_draft(PRIVATE, draft_id=5, text="refused")


async def test_scripted_failures(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.fail_next("sendMessage", status=502, description="Bad Gateway")
    with pytest.raises(TelegramServerError):
        await bot.send_message(PRIVATE, "a")
    await bot.send_message(PRIVATE, "b")  # one-shot
    telegram.block(PRIVATE)
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(PRIVATE, "c")
    assert telegram.visible_texts(PRIVATE) == ["b"]


async def test_chat_members(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.set_member(GROUP, 1, "creator")
    telegram.set_member(GROUP, 2, "administrator")
    assert isinstance(await bot.get_chat_member(GROUP, 1), ChatMemberOwner)
    assert isinstance(await bot.get_chat_member(GROUP, 2), ChatMemberAdministrator)
    assert (await bot.get_chat_member(GROUP, 3)).status == "member"


async def test_json_bodies_are_accepted_too(telegram: FakeTelegram) -> None:
    url = f"{telegram.base_url}/bot{telegram.token}/sendMessage"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"chat_id": PRIVATE, "text": "json", "entities": []}) as response,
    ):
        body = await response.json()
    assert body["ok"]
    assert body["result"]["text"] == "json"
    assert Update.model_validate({"update_id": 1, "message": body["result"]}).message
