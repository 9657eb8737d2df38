"""What handlers receive (as the ``deps`` argument) from the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import Message, User

from bot.coordination.base import Turns
from bot.handlers.permissions import AdminChecker
from bot.media import AlbumCollector, Intake
from bot.redaction import Redactor
from bot.services.access import AccessPolicy
from bot.services.answering import AnswerService
from bot.services.chat_settings import ChatSettingsService
from bot.services.providers import ProviderControl
from bot.services.usage import UsageService
from bot.streaming import Streamer


@dataclass(frozen=True, slots=True)
class Deps:
    """The services one bot process shares across updates."""

    me: User
    answers: AnswerService
    chat_settings: ChatSettingsService
    control: ProviderControl
    turns: Turns
    access: AccessPolicy
    admins: AdminChecker
    streamer: Streamer
    usage: UsageService
    intake: Intake
    albums: AlbumCollector[Message]
    redact: Redactor  # for upstream texts shown to bot admins
