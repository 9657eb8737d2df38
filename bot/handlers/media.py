"""Questions with files: photos and albums, documents, voice notes (transcribed first)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message

from bot.handlers.access import over_rate_limit
from bot.handlers.addressing import (
    compose,
    is_addressed,
    language,
    question_of,
    question_text,
    referred,
)
from bot.handlers.chat import ask
from bot.handlers.deps import Deps
from bot.media import FileTooLarge, MediaError, TranscriptionFailed, UnsupportedDocument
from bot.services.notices import reason
from bot.texts import t

_MB = 1024 * 1024


async def on_files(message: Message, deps: Deps) -> None:
    """Photos (an album is one question), image files and documents, with the caption."""
    messages = [message]
    if message.media_group_id is not None:
        collected = await deps.albums.add((message.chat.id, message.media_group_id), message)
        if collected is None:
            return  # another message of the album carries the question
        messages = collected
    if not any(is_addressed(m, deps.me) for m in messages):
        return
    first = messages[0]  # the album's first message: the answer replies to it
    lang = language(first)
    if await over_rate_limit(first, deps):
        return
    limit = f"{deps.intake.limits.document_max_chars:,}".replace(",", " ")
    try:
        parts = await deps.intake.files(messages, cut_note=t("document_cut", lang, limit=limit))
    except MediaError as exc:
        await first.reply(media_failure(exc, lang))
        return
    captioned = next((m for m in messages if m.caption), first)
    words = question_text(captioned, deps.me)
    text = compose(*referred(captioned, deps.me), *parts.blocks, words)
    await ask(deps, question_of(first, text, attachments=parts.attachments))


async def on_voice(message: Message, deps: Deps) -> None:
    """A voice note, audio file or round video: shown as heard, then answered."""
    if not is_addressed(message, deps.me):
        return
    lang = language(message)
    if not deps.intake.can_listen:
        await message.reply(t("voice_unavailable", lang))
        return
    if await over_rate_limit(message, deps):
        return
    try:
        heard = await deps.intake.transcript(message)
    except MediaError as exc:
        await message.reply(media_failure(exc, lang))
        return
    words = heard.text or ""
    await message.reply(t("heard", lang, text=words))
    await ask(deps, question_of(message, compose(*referred(message, deps.me), words),
                                attachments=(heard,)))


def media_failure(error: MediaError, lang: str) -> str:
    """A friendly reply saying why a file could not be used."""
    if isinstance(error, FileTooLarge):
        return t("media_too_large", lang, limit=round(error.limit / _MB))
    if isinstance(error, UnsupportedDocument):
        what = error.file_name or error.mime_type or "this file"
        return t("media_unsupported", lang, what=what)
    if isinstance(error, TranscriptionFailed):
        return t("media_transcription", lang, reason=reason(error.reason, lang))
    key = {"encrypted": "media_encrypted", "no_text": "media_no_text"}.get(error.kind,
                                                                          "media_download")
    return t(key, lang)


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="media")
    router.message.register(on_files, F.photo | F.document)
    router.message.register(on_voice, F.voice | F.audio | F.video_note)
    return router
