"""Every reply fits in one Telegram message, and every keyboard under Telegram's limits."""

from __future__ import annotations

import asyncio

from bot.db.models import MODEL_NAME_MAX
from bot.handlers.model_keyboards import ModelPick
from tests.bot.conftest import ADMIN, GROUP, USER, Harness, HarnessFactory
from tests.fakes.telegram import utf16_units

MODELS = tuple(f"lab{i % 7}/model-{i:03d}:free" for i in range(600))  # an OpenRouter-like list
COMMANDS = ("/model", "/system", "/reset", "/retry", "/stop", "/providers")


def assert_fits(harness: Harness, chat_id: int) -> None:
    """Telegram took every message (nothing refused as too long or as a too big keyboard)."""
    refused = [(c.method, c.description) for c in harness.telegram.errors()
               if c.method != "answerCallbackQuery"]
    assert refused == []
    for message in harness.telegram.messages(chat_id):
        assert utf16_units(message.text) <= 4096
        rows = (message.reply_markup or {}).get("inline_keyboard", [])
        assert sum(len(row) for row in rows) <= 30
        assert all(len(b["callback_data"].encode()) <= 64 for row in rows for b in row)


async def test_six_hundred_models_are_paged_and_page_seven_chooses(
        make_harness: HarnessFactory) -> None:
    harness = await make_harness(openai_models=MODELS)
    await harness.send(harness.telegram.private_message(USER, "/model"))
    await harness.press(USER, USER, "✓ openai")
    assert harness.last_text(USER) == "Models of openai (page 1 of 30):"
    first_page = harness.buttons(USER)
    assert list(first_page) == [*MODELS[:20], "▶", "« Back"]
    for _ in range(6):
        await harness.press(USER, USER, "▶")
    assert harness.last_text(USER) == "Models of openai (page 7 of 30):"
    page_seven = harness.buttons(USER)
    assert list(page_seven) == [*MODELS[120:140], "◀", "▶", "« Back"]
    await harness.press(USER, USER, MODELS[133])
    assert harness.last_text(USER) == f"Model set: openai:{MODELS[133]}"
    harness.providers.script("openai", "from the chosen model")
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.provider_bodies("openai")[-1]["model"] == MODELS[133]
    assert_fits(harness, USER)


async def test_the_last_page_goes_back_only(make_harness: HarnessFactory) -> None:
    harness = await make_harness(openai_models=MODELS)
    await harness.send(harness.telegram.private_message(USER, "/model"))
    await harness.press(USER, USER, "✓ openai")
    last = harness.telegram.messages(USER)[-1]
    far = ModelPick(action="provider", provider="openai", page=99).pack()  # the list shrank
    await harness.send(harness.telegram.callback_query(USER, USER, last.message_id, far))
    assert harness.last_text(USER) == "Models of openai (page 30 of 30):"
    assert list(harness.buttons(USER)) == [*MODELS[580:], "◀", "« Back"]
    await harness.press(USER, USER, "« Back")
    assert harness.last_text(USER).startswith("Model in this chat: openai:lab0/model-000:free")
    assert_fits(harness, USER)


async def test_an_unknown_model_lists_a_few_and_counts_the_rest(
        make_harness: HarnessFactory) -> None:
    harness = await make_harness(openai_models=MODELS)
    await harness.send(harness.telegram.private_message(USER, "/model openai:gpt-9"))
    text = harness.last_text(USER)
    assert text.startswith("I don't know that one: openai has no model gpt-9\nAvailable: ")
    assert f"openai ({', '.join(MODELS[:10])}, … and 590 more; see /model)" in text
    assert "flowgpt (gpt-3.5-turbo" in text
    assert text.endswith(")")  # whole, not cut by the safety net
    await harness.send(harness.telegram.private_message(USER, "/model " + "bard" * 900))
    text = harness.last_text(USER)
    assert "unknown provider or model 'bardbard" in text
    assert "… and 590 more; see /model)" in text
    assert_fits(harness, USER)


async def test_russian_lists_are_shortened_too(make_harness: HarnessFactory) -> None:
    harness = await make_harness(openai_models=MODELS)
    harness.telegram.set_user(USER, language_code="ru")
    await harness.send(harness.telegram.private_message(USER, "/model openai:gpt-9"))
    text = harness.last_text(USER)
    assert text.startswith("Такого нет: у openai нет модели gpt-9\nДоступно: ")
    assert "… и ещё 590; см. /model)" in text
    assert_fits(harness, USER)


async def test_a_very_long_model_name_leaves_help_whole(harness: Harness) -> None:
    name = "x" * MODEL_NAME_MAX  # vitalentum takes any model name, up to what is stored
    await harness.send(harness.telegram.private_message(USER, f"/model vitalentum:{name}"))
    assert harness.last_text(USER).startswith("Model set: vitalentum:xxxx")
    await harness.send(harness.telegram.private_message(USER, "/help"))
    text = harness.last_text(USER)
    assert "Model in this chat: vitalentum:xxx" in text
    for command in COMMANDS:
        assert command in text
    await harness.send(harness.telegram.private_message(USER, "/model"))
    assert harness.last_text(USER).endswith("Choose a provider:")
    assert_fits(harness, USER)


async def test_a_long_system_prompt_shows_its_beginning(harness: Harness) -> None:
    prompt = "😀" * 3000  # 3000 characters, 6000 UTF-16 units
    await harness.send(harness.telegram.private_message(USER, f"/system {prompt}"))
    await harness.send(harness.telegram.private_message(USER, "/system"))
    text = harness.last_text(USER)
    assert text.startswith("System prompt (3000 characters; its beginning):\n\n😀😀")
    assert text.endswith("😀…")
    assert_fits(harness, USER)


async def test_providers_default_with_an_unknown_model_names_it_briefly(
        make_harness: HarnessFactory) -> None:
    harness = await make_harness(openai_models=MODELS)
    await harness.send(harness.telegram.private_message(ADMIN, "/providers default openai:nope"))
    assert harness.last_text(ADMIN) == "openai has no model nope"


async def test_a_reply_arrives_when_its_question_was_deleted(harness: Harness) -> None:
    held = harness.telegram.pause("sendMessage")
    asked = harness.telegram.private_message(USER, "/help")
    replying = asyncio.create_task(harness.send(asked))
    await harness.telegram.wait_calls("sendMessage")
    harness.telegram.delete_message(USER, asked["message"]["message_id"])
    held.set()
    await asyncio.wait_for(replying, 10)
    assert "/model" in harness.last_text(USER)
    [reply] = harness.telegram.calls("sendMessage")
    assert reply.status == 200
    assert reply.params["reply_parameters"]["allow_sending_without_reply"] is True


async def test_an_answer_arrives_when_its_question_was_deleted(harness: Harness) -> None:
    harness.providers.script("openai", "here you are")
    held = harness.telegram.pause("sendMessage")
    asked = harness.telegram.group_message(GROUP, USER, "a question", mention=True)
    answering = asyncio.create_task(harness.send(asked))
    await harness.telegram.wait_calls("sendMessage")
    harness.telegram.delete_message(GROUP, asked["message"]["message_id"])
    held.set()
    await asyncio.wait_for(answering, 10)
    assert harness.texts(GROUP) == ["here you are"]
    assert [c.status for c in harness.telegram.calls("sendMessage")] == [200]
