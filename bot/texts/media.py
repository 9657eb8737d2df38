"""Texts about files: photos, documents and voice notes that could or could not be read."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "text_only": {
        "en": "I can read text, photos, voice messages and documents (text, PDF, DOCX), "
              "but not this kind of message.",
        "ru": "Я понимаю текст, фото, голосовые сообщения и документы (текст, PDF, DOCX), "
              "но не такие сообщения.",
    },
    "this_file": {"en": "this file", "ru": "этот файл"},
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
}
