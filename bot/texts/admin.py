"""Texts of settings and figures: /model, /providers, /usage."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "model_current": {
        "en": "Model in this chat: {choice}\nChoose a provider:",
        "ru": "Модель в этом чате: {choice}\nВыберите провайдера:",
    },
    "model_pick": {"en": "Models of {provider}:", "ru": "Модели провайдера {provider}:"},
    "model_any": {
        "en": "{provider} takes any model name: send /model {provider}:NAME",
        "ru": "{provider} принимает любое имя модели: отправьте /model {provider}:ИМЯ",
    },
    "model_pick_page": {
        "en": "Models of {provider} (page {page} of {pages}):",
        "ru": "Модели провайдера {provider} (страница {page} из {pages}):",
    },
    "model_set": {"en": "Model set: {choice}", "ru": "Модель выбрана: {choice}"},
    "model_not_offered": {
        "en": "{provider} has no model {model}",
        "ru": "у {provider} нет модели {model}",
    },
    "any_model": {"en": "any model", "ru": "любая модель"},
    "more_models": {"en": "… and {count} more; see /model", "ru": "… и ещё {count}; см. /model"},
    "more_items": {"en": "… and {count} more", "ru": "… и ещё {count}"},
    "previous_page": {"en": "◀", "ru": "◀"},
    "next_page": {"en": "▶", "ru": "▶"},
    "model_unknown": {
        "en": "I don't know that one: {reason}\nAvailable: {available}",
        "ru": "Такого нет: {reason}\nДоступно: {available}",
    },
    "model_disabled": {
        "en": "The provider {provider} is switched off by the bot's admins.",
        "ru": "Провайдер {provider} отключён администраторами бота.",
    },
    "no_providers": {
        "en": "No provider is available right now. Ask the bot's admins to enable one.",
        "ru": "Сейчас нет доступных провайдеров. Попросите администраторов бота включить один.",
    },
    "back": {"en": "« Back", "ru": "« Назад"},
    "usage_you": {"en": "Your tokens", "ru": "Ваши токены"},
    "usage_chat": {"en": "This chat's tokens", "ru": "Токены этого чата"},
    "usage_today": {"en": "today (UTC)", "ru": "сегодня (UTC)"},
    "usage_month": {"en": "this month", "ru": "за месяц"},
    "usage_none": {"en": "none", "ru": "нет"},
    "usage_people": {"en": "Tokens per person", "ru": "Токены по людям"},
    "usage_providers": {"en": "Tokens per provider", "ru": "Токены по провайдерам"},
    "usage_more": {"en": "… and {count} more", "ru": "… и ещё {count}"},
    "usage_estimated": {
        "en": "≈ marks estimates, where the server reported no usage.",
        "ru": "≈ — оценка там, где сервер не сообщил расход.",
    },
    "usage_all_private": {
        "en": "Ask for /usage all in a private chat with me.",
        "ru": "Запросите /usage all в личном чате со мной.",
    },
    "providers_header": {
        "en": "Providers (default: {default}):",
        "ru": "Провайдеры (по умолчанию: {default}):",
    },
    "providers_line": {
        "en": "{mark} {name} — {state}; last ok: {ok}; last error: {error}; first piece: {ttfp}",
        "ru": "{mark} {name} — {state}; успех: {ok}; ошибка: {error}; первый фрагмент: {ttfp}",
    },
    "providers_private_details": {
        "en": "Error details are shown only in a private chat with me.",
        "ru": "Подробности ошибок я показываю только в личном чате.",
    },
    "providers_enabled": {"en": "on", "ru": "вкл"},
    "providers_disabled": {"en": "off", "ru": "выкл"},
    "providers_usage": {
        "en": "Usage: /providers [check | enable NAME | disable NAME | default NAME[:model]]",
        "ru": "Использование: /providers [check | enable ИМЯ | disable ИМЯ | default ИМЯ[:модель]]",
    },
    "providers_changed": {"en": "Done: {what}.", "ru": "Готово: {what}."},
    "providers_last_enabled": {
        "en": "At least one provider must stay enabled.",
        "ru": "Хотя бы один провайдер должен оставаться включённым.",
    },
    "never": {"en": "never", "ru": "никогда"},
}
