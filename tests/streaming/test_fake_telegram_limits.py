"""The fake Bot API's keyboard and callback rules, and the servers that differ from Telegram."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import ClientDecodeError, TelegramBadRequest, TelegramNotFound
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from tests.fakes.telegram import FakeTelegram, FloodRules
from tests.streaming.support import PRIVATE


def keyboard(buttons: int, *, per_row: int = 2, data: str = "x") -> InlineKeyboardMarkup:
    row_list = [InlineKeyboardButton(text=str(i), callback_data=data) for i in range(buttons)]
    rows = [row_list[i:i + per_row] for i in range(0, buttons, per_row)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def test_keyboards_over_telegrams_limits_are_refused(
    telegram: FakeTelegram, bot: Bot
) -> None:
    telegram.rules = FloodRules(enabled=False)  # refused calls count against flood control too
    await bot.send_message(PRIVATE, "100 buttons", reply_markup=keyboard(100))
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.send_message(PRIVATE, "101 buttons", reply_markup=keyboard(101))
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.send_message(PRIVATE, "a wide row", reply_markup=keyboard(9, per_row=9))
    sent = await bot.send_message(PRIVATE, "data", reply_markup=keyboard(1, data="d" * 64))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.edit_message_text("data", chat_id=PRIVATE, message_id=sent.message_id,
                                    reply_markup=keyboard(1, data="d" * 65))
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.edit_message_reply_markup(chat_id=PRIVATE, message_id=sent.message_id,
                                            reply_markup=keyboard(120))
    assert telegram.visible_texts(PRIVATE) == ["100 buttons", "data"]


async def test_a_callback_query_is_answered_once(telegram: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(PRIVATE, "press", reply_markup=keyboard(1))
    query = telegram.callback_query(PRIVATE, PRIVATE, sent.message_id, "x")["callback_query"]
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query["id"], text="t" * 201)
    assert await bot.answer_callback_query(query["id"], text="done")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query["id"])
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("never-sent")


async def test_raw_answers_are_not_the_bot_api(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.answer_raw("getMe", lambda path: f"<html>{path} moved</html>", status=502)
    with pytest.raises(ClientDecodeError) as failed:
        await bot.get_me()
    assert f"/bot{telegram.token}/getMe moved" in str(failed.value)
    telegram.answer_raw("getChatMember", '{"ok": true, "result": {"status": "member"}}',
                        content_type="application/json", times=2)
    for _ in range(2):
        with pytest.raises(ClientDecodeError, match="Failed to deserialize"):
            await bot.get_chat_member(-100, 5)
    assert (await bot.get_chat_member(-100, 5)).status == "member"
    assert [c.status for c in telegram.calls("getMe")] == [502]


async def test_a_forgotten_method_is_not_found(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.forget_method("sendMessageDraft")
    with pytest.raises(TelegramNotFound, match="Not Found"):
        await bot.send_message_draft(chat_id=PRIVATE, draft_id=1, text="hi")
    assert isinstance(await bot.send_message(PRIVATE, "still here"), Message)
