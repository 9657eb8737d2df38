"""The /model keyboards stay under Telegram's limits however many providers and models."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.handlers.model_keyboards import ModelPick, models_keyboard, page_of, providers_keyboard


def layout(markup: InlineKeyboardMarkup) -> list[list[str]]:
    return [[button.text for button in row] for row in markup.inline_keyboard]


def data(markup: InlineKeyboardMarkup) -> list[str]:
    return [str(button.callback_data) for row in markup.inline_keyboard for button in row]


def test_very_many_endpoints_are_paged() -> None:
    names = [f"endpoint-{i:02d}" for i in range(25)]
    first = providers_keyboard(names, "endpoint-03", 0, "en")
    assert layout(first) == [*([name] for name in ["endpoint-00", "endpoint-01", "endpoint-02",
                                                  "✓ endpoint-03", *names[4:10]]), ["▶"]]
    last = providers_keyboard(names, None, 2, "ru")
    assert layout(last) == [*([name] for name in names[20:]), ["◀"]]
    assert ModelPick.unpack(data(last)[-1]) == ModelPick(action="back", page=1)


def test_a_few_providers_need_no_page_row() -> None:
    assert layout(providers_keyboard(["a", "b"], "b", 0, "en")) == [["a"], ["✓ b"]]


def test_model_buttons_carry_an_index_within_64_bytes() -> None:
    models = [f"vendor-with-a-long-name/model-{i}-instruct-preview:free" for i in range(1000)]
    markup = models_keyboard("openrouter-eu", models, page_of(1000, 20, 49), "en")
    assert sum(len(row) for row in markup.inline_keyboard) == 22
    assert all(len(item.encode()) <= 64 for item in data(markup))
    assert ModelPick.unpack(data(markup)[19]) == ModelPick(
        action="set", provider="openrouter-eu", index=999)
    assert layout(markup)[-2:] == [["◀"], ["« Back"]]
