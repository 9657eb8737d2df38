"""Texts of the conversation itself: help, commands' replies, refusals."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "help": {
        "en": "Hi! I pass your messages to a language model and stream its answers here.\n"
              "In groups, mention me or reply to my message.\n"
              "Besides text, I take photos, voice notes and documents (text, PDF, DOCX); "
              "reply to a message or quote part of it to ask about it.\n\n"
              "Model in this chat: {choice}\n\n"
              "/model — show or change the provider and model\n"
              "/system — show or set the system prompt\n"
              "/reset, /new — start a new conversation\n"
              "/retry — answer the last question again\n"
              "/stop — stop the current answer\n"
              "/usage — tokens used today and this month\n"
              "/providers — provider status (bot admins)",
        "ru": "Привет! Я передаю ваши сообщения языковой модели и показываю её ответы по мере "
              "написания.\nВ группах упомяните меня или ответьте на моё сообщение.\n"
              "Кроме текста, я понимаю фото, голосовые сообщения и документы (текст, PDF, "
              "DOCX); ответьте на сообщение или процитируйте его часть, чтобы спросить о нём.\n\n"
              "Модель в этом чате: {choice}\n\n"
              "/model — показать или сменить провайдера и модель\n"
              "/system — показать или задать системный промпт\n"
              "/reset, /new — начать новый разговор\n"
              "/retry — ответить на последний вопрос ещё раз\n"
              "/stop — остановить текущий ответ\n"
              "/usage — расход токенов за сегодня и за месяц\n"
              "/providers — состояние провайдеров (для админов бота)",
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
    "unknown_command": {
        "en": "I don't know that command. /help lists what I can do.",
        "ru": "Такой команды нет. /help покажет, что я умею.",
    },
    "empty_question": {
        "en": "What would you like to ask?",
        "ru": "Что вы хотели спросить?",
    },
    "not_admin": {
        "en": "Only this chat's admins can change that here.",
        "ru": "Здесь это могут менять только администраторы чата.",
    },
    "bot_admins_only": {
        "en": "This command is for the bot's admins.",
        "ru": "Эта команда только для администраторов бота.",
    },
    "stale_button": {
        "en": "This button no longer works. Send the command again.",
        "ru": "Эта кнопка больше не работает. Отправьте команду ещё раз.",
    },
}
