"""Questions with files: photos and albums, documents, voice notes — stored at once.

The handler notes the files (photos by file id; documents and recordings to
be read) and hands the question over; reading a document or transcribing a
recording happens when its answer is written (see the answer unit).
"""

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
from bot.media import MediaError
from bot.services.notices import media_failure
from bot.texts import t


async def on_files(message: Message, deps: Deps) -> None:
    """Photos (an album is one question), image files and documents, with the caption."""
    messages = [message]
    if message.media_group_id is not None:
        # One worker sees a whole album only when Telegram's updates of it reach that
        # worker; with several workers behind a balancer, each part may be its own question.
        collected = await deps.albums.add((message.chat.id, message.media_group_id), message)
        if collected is None:
            return  # another message of the album carries the question
        messages = collected
    if not any(is_addressed(m, deps.me) for m in messages):
        return
    first = messages[0]  # the album's first message: the answer replies to it
    if await over_rate_limit(first, deps):
        return
    try:
        files = deps.intake.files(messages)
    except MediaError as exc:
        await first.reply(media_failure(exc, language(first)))
        return
    captioned = next((m for m in messages if m.caption), first)
    words = "" if captioned.forward_origin else question_text(captioned, deps.me)
    await ask(deps, question_of(first, compose(*referred(captioned, deps.me), words),
                                attachments=files))


async def on_voice(message: Message, deps: Deps) -> None:
    """A voice note, audio file or round video: transcribed, shown as heard, then answered."""
    if not is_addressed(message, deps.me):
        return
    if not deps.intake.can_listen:
        await message.reply(t("voice_unavailable", language(message)))
        return
    if await over_rate_limit(message, deps):
        return
    try:
        recording = deps.intake.recording(message)
    except MediaError as exc:
        await message.reply(media_failure(exc, language(message)))
        return
    await ask(deps, question_of(message, compose(*referred(message, deps.me)),
                                attachments=(recording,)))


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="media")
    # An animation (GIF) also carries a document: not something to read.
    router.message.register(on_files, F.photo | (F.document & ~F.animation))
    router.message.register(on_voice, F.voice | F.audio | F.video_note)
    return router
