"""Every user-facing string, in English and Russian, chosen by the user's Telegram language.

The catalogue is split by subject (``conversation``, ``endings``, ``media``,
``admin``); :func:`t` looks a key up in all of them.
"""

from __future__ import annotations

from typing import Any

from bot.texts import admin, conversation, endings, media

LANGUAGES = ("en", "ru")

_TEXTS: dict[str, dict[str, str]] = {
    **conversation.TEXTS, **endings.TEXTS, **media.TEXTS, **admin.TEXTS,
}

COMMANDS: dict[str, dict[str, str]] = {
    "help": {"en": "What I do and how to use me", "ru": "Что я умею"},
    "model": {"en": "Show or change the model", "ru": "Показать или сменить модель"},
    "system": {"en": "Show or set the system prompt", "ru": "Системный промпт"},
    "reset": {"en": "Start a new conversation", "ru": "Начать новый разговор"},
    "retry": {"en": "Answer the last question again", "ru": "Ответить ещё раз"},
    "stop": {"en": "Stop the current answer", "ru": "Остановить ответ"},
    "usage": {"en": "Tokens used today and this month", "ru": "Расход токенов"},
    "providers": {"en": "Provider status (bot admins)", "ru": "Провайдеры (админы бота)"},
}


def language_of(code: str | None) -> str:
    """Our language for a Telegram ``language_code`` (Russian for ru/uk/be, else English)."""
    if code and code.split("-")[0].lower() in ("ru", "uk", "be"):
        return "ru"
    return "en"


def t(key: str, language: str, **values: Any) -> str:
    """The text ``key`` in ``language``, with ``values`` filled in."""
    variants = _TEXTS[key]
    template = variants.get(language) or variants["en"]
    return template.format(**values) if values else template
