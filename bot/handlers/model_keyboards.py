"""The /model inline keyboards: the providers, then one provider's models, a page at a time.

Telegram refuses keyboards of more than 100 buttons and callback data over
64 bytes, and an OpenRouter-like endpoint lists hundreds of models: models
are shown a page at a time and named in callback data by their index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import t

MODELS_PER_PAGE = 20  # two a row: ten rows, the page row and « Back
MODEL_COLUMNS = 2
PROVIDERS_PER_PAGE = 10  # one a row


class ModelPick(CallbackData, prefix="m"):
    """An inline button of the /model keyboard (a model by index: callback data is short)."""

    action: str  # "provider": its models, page `page` | "set": model `index` | "back": providers
    provider: str = ""
    index: int = -1
    page: int = 0


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: its number (from 0) and how many there are, and its items' span."""

    number: int
    count: int
    start: int
    stop: int


def page_of(total: int, size: int, wanted: int) -> Page:
    """The page ``wanted`` of ``total`` items, clamped to the pages there are."""
    count = max(1, -(-total // size))
    number = min(max(wanted, 0), count - 1)
    return Page(number, count, number * size, min(total, (number + 1) * size))


def providers_keyboard(names: Sequence[str], current: str | None, page: int,
                       language: str) -> InlineKeyboardMarkup:
    """A page of the enabled providers, the current one ticked."""
    shown = page_of(len(names), PROVIDERS_PER_PAGE, page)
    rows = [[InlineKeyboardButton(
        text=("✓ " if name == current else "") + name,
        callback_data=ModelPick(action="provider", provider=name).pack())]
        for name in names[shown.start:shown.stop]]
    rows += _navigation(shown, language, lambda number: ModelPick(action="back", page=number))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def models_keyboard(provider: str, models: Sequence[str], page: Page,
                    language: str) -> InlineKeyboardMarkup:
    """A page of the provider's models, two a row, the page row, and a way back."""
    buttons = [InlineKeyboardButton(
        text=models[index],
        callback_data=ModelPick(action="set", provider=provider, index=index).pack())
        for index in range(page.start, page.stop) if models[index]]
    rows = [buttons[i:i + MODEL_COLUMNS] for i in range(0, len(buttons), MODEL_COLUMNS)]
    rows += _navigation(page, language,
                        lambda number: ModelPick(action="provider", provider=provider,
                                                 page=number))
    rows.append([InlineKeyboardButton(text=t("back", language),
                                      callback_data=ModelPick(action="back").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _navigation(page: Page, language: str,
                pick: Callable[[int], ModelPick]) -> list[list[InlineKeyboardButton]]:
    """◀ and ▶ where there is a page to go to; nothing for a single page."""
    row = []
    if page.number > 0:
        row.append(InlineKeyboardButton(text=t("previous_page", language),
                                        callback_data=pick(page.number - 1).pack()))
    if page.number < page.count - 1:
        row.append(InlineKeyboardButton(text=t("next_page", language),
                                        callback_data=pick(page.number + 1).pack()))
    return [row] if row else []
