"""Texts about how an answer ended: footers, provider failures, the thinking status."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
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
}
