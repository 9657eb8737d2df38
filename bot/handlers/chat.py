"""Questions: every text in private chats; mentions and replies to the bot in groups."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ContentType
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
from bot.handlers.deps import Deps
from bot.services.questions import Question
from bot.texts import t

log = logging.getLogger(__name__)

# What a person sends that the bot cannot read (everything else without text is a service
# message, or a file the media handlers took).
_SENT_BY_PEOPLE = frozenset({
    ContentType.STICKER, ContentType.VIDEO, ContentType.ANIMATION, ContentType.LOCATION,
    ContentType.VENUE, ContentType.CONTACT, ContentType.DICE, ContentType.POLL,
    ContentType.GAME, ContentType.STORY, ContentType.PAID_MEDIA, ContentType.INVOICE,
    ContentType.CHECKLIST,
})


async def on_migrated(message: Message, deps: Deps) -> None:
    """A group became a supergroup: its history, settings and answers follow the new id."""
    assert message.migrate_to_chat_id is not None
    await deps.chat_settings.migrate(message.chat.id, message.migrate_to_chat_id)
    deps.streamer.moved(message.chat.id, message.migrate_to_chat_id)


async def on_text(message: Message, deps: Deps) -> None:
    """Store a question addressed to the bot and start answering it (returns at once)."""
    if not is_addressed(message, deps.me):
        return
    words = question_text(message, deps.me)
    context = referred(message, deps.me)
    if not words and not context:
        await message.reply(t("empty_question", language(message)))
        return
    if message.forward_origin is not None:
        words = ""  # a forwarded message is the quoted block itself
    if await over_rate_limit(message, deps):
        return
    await ask(deps, question_of(message, compose(*context, words)))


async def ask(deps: Deps, question: Question) -> None:
    """Hand a question to the answer service (bot admins are exempt from token budgets)."""
    if not await deps.answers.ask(question, budget_exempt=deps.access.is_admin(
            question.author_id)):
        log.info("message %s in chat %s was answered before", question.message_id,
                 question.key.chat_id)


async def on_unknown_command(message: Message, deps: Deps) -> None:
    """A command the bot does not have, in a private chat: point at /help."""
    await message.reply(t("unknown_command", language(message)))


async def on_other_content(message: Message, deps: Deps) -> None:
    """Stickers, videos, locations…: say what the bot can read (only when spoken to).

    Service messages (members joining, a pinned message, a new chat photo…) are
    no one speaking to the bot: they get no reply.
    """
    if message.content_type not in _SENT_BY_PEOPLE:
        return
    if message.chat.type == "private" or is_addressed(message, deps.me):
        await message.reply(t("text_only", language(message)))


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="chat")
    router.message.register(on_migrated, F.migrate_to_chat_id)
    router.message.register(on_text, F.text & ~F.text.startswith("/"))
    router.message.register(on_unknown_command, F.text.startswith("/"), F.chat.type == "private")
    router.message.register(on_other_content, ~F.text)
    return router
