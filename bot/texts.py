"""Every user-facing string, in English and Russian, chosen by the user's Telegram language."""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "ru")

_TEXTS: dict[str, dict[str, str]] = {
    "help": {
        "en": "Hi! I pass your messages to a language model and stream its answers here.\n"
              "In groups, mention me or reply to my message.\n\n"
              "Model in this chat: {choice}\n\n"
              "/model — show or change the provider and model\n"
              "/system — show or set the system prompt\n"
              "/reset — start a new conversation\n"
              "/retry — answer the last question again\n"
              "/stop — stop the current answer\n"
              "/usage — tokens used today and this month\n"
              "/providers — provider status (bot admins)",
        "ru": "Привет! Я передаю ваши сообщения языковой модели и показываю её ответы по мере "
              "написания.\nВ группах упомяните меня или ответьте на моё сообщение.\n\n"
              "Модель в этом чате: {choice}\n\n"
              "/model — показать или сменить провайдера и модель\n"
              "/system — показать или задать системный промпт\n"
              "/reset — начать новый разговор\n"
              "/retry — ответить на последний вопрос ещё раз\n"
              "/stop — остановить текущий ответ\n"
              "/usage — расход токенов за сегодня и за месяц\n"
              "/providers — состояние провайдеров (для админов бота)",
    },
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
    "stale_button": {
        "en": "This button no longer works. Send the command again.",
        "ru": "Эта кнопка больше не работает. Отправьте команду ещё раз.",
    },
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
    "not_admin": {
        "en": "Only this chat's admins can change that here.",
        "ru": "Здесь это могут менять только администраторы чата.",
    },
    "bot_admins_only": {
        "en": "This command is for the bot's admins.",
        "ru": "Эта команда только для администраторов бота.",
    },
    "system_show": {"en": "System prompt:\n\n{prompt}", "ru": "Системный промпт:\n\n{prompt}"},
    "system_show_part": {
        "en": "System prompt ({length} characters; its beginning):\n\n{prompt}",
        "ru": "Системный промпт ({length} симв.; начало):\n\n{prompt}",
    },
    "system_none": {
        "en": "No system prompt is set. Set one with /system <text>.",
        "ru": "Системный промпт не задан. Задайте его: /system <текст>.",
    },
    "system_set": {
        "en": "System prompt saved ({length} characters).",
        "ru": "Системный промпт сохранён ({length} симв.).",
    },
    "system_cleared": {"en": "System prompt removed.", "ru": "Системный промпт удалён."},
    "system_too_long": {
        "en": "That prompt is {length} characters long; the limit is {limit}. Nothing was changed.",
        "ru": "В промпте {length} символов, а можно не больше {limit}. Ничего не изменено.",
    },
    "reset_done": {
        "en": "New conversation started. Earlier messages here are forgotten.",
        "ru": "Начат новый разговор. Прежние сообщения здесь забыты.",
    },
    "retry_nothing": {"en": "There is nothing to retry yet.", "ru": "Пока нечего повторять."},
    "stop_nothing": {
        "en": "Nothing is being written right now.",
        "ru": "Сейчас ничего не пишется.",
    },
    "stop_button": {"en": "⏹ Stop", "ru": "⏹ Стоп"},
    "stop_not_yours": {
        "en": "Only the person who asked, or an admin, can stop this answer.",
        "ru": "Остановить этот ответ может только тот, кто спросил, или администратор.",
    },
    "busy": {
        "en": "I'm still answering earlier messages here. Please wait, or /stop.",
        "ru": "Я ещё отвечаю на предыдущие сообщения. Подождите или нажмите /stop.",
    },
    "user_rate_limited": {
        "en": "You're writing faster than I can answer. Try again in {seconds} s.",
        "ru": "Вы пишете быстрее, чем я успеваю отвечать. Попробуйте через {seconds} с.",
    },
    "budget_reached": {
        "en": "You have used today's {limit} tokens. The limit resets at midnight UTC, "
              "in {hours} h {minutes} min.",
        "ru": "Вы израсходовали сегодняшние {limit} токенов. Лимит обновится в полночь по UTC, "
              "через {hours} ч {minutes} мин.",
    },
    "not_allowed": {
        "en": "Sorry, this bot is private.",
        "ru": "Извините, это закрытый бот.",
    },
    "text_only": {
        "en": "I can read text, photos, voice messages and documents (text, PDF, DOCX), "
              "but not this kind of message.",
        "ru": "Я понимаю текст, фото, голосовые сообщения и документы (текст, PDF, DOCX), "
              "но не такие сообщения.",
    },
    "heard": {"en": "🎤 {text}", "ru": "🎤 {text}"},
    "voice_unavailable": {
        "en": "I can't listen to voice messages here: speech-to-text is not set up. "
              "Please type your question.",
        "ru": "Здесь я не слушаю голосовые: распознавание речи не настроено. "
              "Напишите вопрос текстом.",
    },
    "document_cut": {
        "en": "⚠️ The file was cut at {limit} characters; the rest was not read.",
        "ru": "⚠️ Файл обрезан на {limit} символах; остальное не прочитано.",
    },
    "media_too_large": {
        "en": "That file is too large: I can download files of up to {limit} MB.",
        "ru": "Файл слишком большой: я могу скачать файлы до {limit} МБ.",
    },
    "media_download": {
        "en": "I couldn't download that file from Telegram. Please send it again.",
        "ru": "Не получилось скачать файл из Telegram. Отправьте его ещё раз.",
    },
    "media_unsupported": {
        "en": "I can't read {what}. I read text files (plain text, Markdown, CSV, JSON, code), "
              "PDF and DOCX documents, photos and voice messages.",
        "ru": "Не могу прочитать {what}. Я читаю текстовые файлы (текст, Markdown, CSV, JSON, "
              "код), документы PDF и DOCX, фото и голосовые сообщения.",
    },
    "media_encrypted": {
        "en": "That document is password-protected, so I can't read it. Send it without the "
              "password.",
        "ru": "Документ защищён паролем, я не могу его прочитать. Пришлите его без пароля.",
    },
    "media_no_text": {
        "en": "I found nothing to read there (a scanned PDF needs text recognition first; a "
              "recording needs words).",
        "ru": "Там нечего прочитать (сканированному PDF нужно сначала распознавание текста, "
              "записи — слова).",
    },
    "media_transcription": {
        "en": "I couldn't turn that recording into text ({reason}). Try again, or type it.",
        "ru": "Не получилось распознать запись ({reason}). Попробуйте ещё раз или напишите "
              "текстом.",
    },
    "unknown_command": {
        "en": "I don't know that command. /help lists what I can do.",
        "ru": "Такой команды нет. /help покажет, что я умею.",
    },
    "empty_question": {
        "en": "What would you like to ask?",
        "ru": "Что вы хотели спросить?",
    },
    "footer_stopped": {"en": "⏹ Stopped.", "ru": "⏹ Остановлено."},
    "footer_interrupted": {
        "en": "⚠️ The answer was cut off: {reason}.",
        "ru": "⚠️ Ответ прервался: {reason}.",
    },
    "footer_shutdown": {
        "en": "⚠️ The bot is restarting; I'll answer again in a moment.",
        "ru": "⚠️ Бот перезапускается; я отвечу ещё раз через минуту.",
    },
    "footer_crashed": {
        "en": "⚠️ This answer was interrupted: the bot restarted. Send /retry for a full answer.",
        "ru": "⚠️ Ответ прервался: бот перезапустился. Отправьте /retry, чтобы получить "
              "ответ целиком.",
    },
    "footer_cut": {
        "en": "✂️ The answer was cut here: it reached the limit of {limit} characters.",
        "ru": "✂️ Ответ обрезан здесь: он достиг предела в {limit} символов.",
    },
    "footer_length": {
        "en": "✂️ The model stopped here: it reached its output limit.",
        "ru": "✂️ Модель остановилась здесь: она достигла своего предела длины ответа.",
    },
    "footer_filtered": {
        "en": "⚠️ The provider's content filter stopped this answer.",
        "ru": "⚠️ Фильтр содержимого провайдера остановил этот ответ.",
    },
    "blind_model": {
        "en": "🖼 {provider} cannot see images: it got only the text. Choose a model that can "
              "with /model.",
        "ru": "🖼 {provider} не видит изображения: ей досталась только подпись. Выберите модель, "
              "которая видит, через /model.",
    },
    "thinking": {"en": "💭 Thinking… {seconds} s", "ru": "💭 Думаю… {seconds} с"},
    "apology": {
        "en": "Sorry, something went wrong on my side. Please try again.",
        "ru": "Извините, у меня что-то сломалось. Попробуйте ещё раз.",
    },
    "reason_timeout": {"en": "the model went silent", "ru": "модель замолчала"},
    "reason_unavailable": {"en": "the provider became unavailable",
                           "ru": "провайдер стал недоступен"},
    "reason_rate_limited": {"en": "the provider is rate-limiting us",
                            "ru": "провайдер ограничил частоту запросов"},
    "reason_access_denied": {"en": "the provider refused access",
                             "ru": "провайдер отказал в доступе"},
    "reason_rejected": {"en": "the provider rejected the request",
                        "ru": "провайдер отклонил запрос"},
    "reason_format": {"en": "the provider sent something I could not read",
                      "ru": "провайдер прислал то, что я не смог разобрать"},
    "reason_empty": {"en": "the model answered with nothing", "ru": "модель ничего не ответила"},
    "reason_model": {"en": "the model is not available", "ru": "модель недоступна"},
    "reason_images": {"en": "the model cannot see images", "ru": "модель не видит изображения"},
    "reason_stream_error": {"en": "the provider reported an error",
                            "ru": "провайдер сообщил об ошибке"},
    "error_timeout": {
        "en": "The model ({provider}) went silent and I gave up waiting. Try again, or pick "
              "another model with /model.",
        "ru": "Модель ({provider}) замолчала, и я перестал ждать. Попробуйте ещё раз или "
              "выберите другую модель: /model.",
    },
    "error_unavailable": {
        "en": "The provider {provider} is unavailable right now. Try again later, or pick "
              "another with /model.",
        "ru": "Провайдер {provider} сейчас недоступен. Попробуйте позже или выберите другого: "
              "/model.",
    },
    "error_rate_limited": {
        "en": "The provider {provider} is rate-limiting us.{wait} Try again later, or pick "
              "another with /model.",
        "ru": "Провайдер {provider} ограничил частоту запросов.{wait} Попробуйте позже или "
              "выберите другого: /model.",
    },
    "error_wait": {"en": " It asks to wait {seconds} s.", "ru": " Просит подождать {seconds} с."},
    "error_access_denied": {
        "en": "The provider {provider} refused access (key or block). An admin should check "
              "it; meanwhile pick another with /model.",
        "ru": "Провайдер {provider} отказал в доступе (ключ или блокировка). Пусть админ "
              "проверит; а пока выберите другого: /model.",
    },
    "error_format": {
        "en": "The provider {provider} sent an answer I could not read. Try again, or pick "
              "another with /model.",
        "ru": "Провайдер {provider} прислал ответ, который я не смог разобрать. Попробуйте ещё "
              "раз или выберите другого: /model.",
    },
    "error_empty": {
        "en": "The model ({provider}) answered with nothing. Try rephrasing, or /retry.",
        "ru": "Модель ({provider}) ничего не ответила. Переформулируйте или нажмите /retry.",
    },
    "error_model": {
        "en": "This chat's model is not available at {provider}. Pick one with /model.",
        "ru": "Модель этого чата недоступна у {provider}. Выберите другую: /model.",
    },
    "error_rejected": {
        "en": "The provider {provider} rejected the request. Try /reset for a shorter "
              "conversation, or pick another model with /model.",
        "ru": "Провайдер {provider} отклонил запрос. Попробуйте /reset, чтобы сократить "
              "разговор, или выберите другую модель: /model.",
    },
    "error_images": {
        "en": "The current model ({provider}) cannot see images. Pick a model that can with "
              "/model, or ask in words.",
        "ru": "Текущая модель ({provider}) не видит изображения. Выберите модель, которая "
              "видит, через /model, или спросите словами.",
    },
    "error_stream_error": {
        "en": "The provider {provider} reported an error while answering. Try again, or pick "
              "another model with /model.",
        "ru": "Провайдер {provider} сообщил об ошибке во время ответа. Попробуйте ещё раз или "
              "выберите другую модель: /model.",
    },
    "error_all_failed": {
        "en": "No provider could answer:\n{details}\nTry again later.",
        "ru": "Ни один провайдер не смог ответить:\n{details}\nПопробуйте позже.",
    },
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
