"""Building the bot: settings → services → dispatcher. Nothing is built at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    User,
)
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.client import ObeyFloodControl, create_bot
from bot.clock import LoopClock
from bot.config import ConfigError, Settings
from bot.coordination.base import Coordination
from bot.db import Sessions, create_engine
from bot.db.migrate import upgrade
from bot.handlers import routers
from bot.handlers.access import AllowListMiddleware
from bot.handlers.deps import Deps
from bot.handlers.permissions import AdminChecker
from bot.handlers.updates import UpdateTracker
from bot.media import AlbumCollector, FileDownloader, Intake, IntakeLimits
from bot.media.transcription import Transcriber
from bot.metrics import Metrics, TelegramCallMetrics
from bot.oneline import first_line
from bot.redaction import Redactor, secrets_of
from bot.services.access import AccessPolicy
from bot.services.answer_unit import AnswerLimits, AnswerParts
from bot.services.answering import AnswerService
from bot.services.chat_settings import ChatSettingsService
from bot.services.context import ContextBudget
from bot.services.images import ContextImages
from bot.services.providers import ProviderControl
from bot.services.records import AnswerRecords
from bot.services.recovery import Recovery
from bot.services.sweeping import PeriodicSweep
from bot.services.usage import UsageService
from bot.shared_state import SWEEP_SECONDS, shared_state
from bot.streaming import StreamConfig, Streamer
from bot.texts import COMMANDS
from providers.errors import ModelNotSupported
from providers.openai import OpenAICompatible
from providers.registry import ProviderRegistry
from providers.transport import Timeouts, create_session

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Application:
    """A running bot's parts, for the entry point (and for tests)."""

    bot: Bot
    dispatcher: Dispatcher
    deps: Deps
    engine: AsyncEngine
    updates: UpdateTracker
    coordination: Coordination
    recovery: Recovery
    metrics: Metrics
    sweeps: PeriodicSweep  # runs only with shared state (several workers)


def build_dispatcher(deps: Deps, updates: UpdateTracker) -> Dispatcher:
    """The dispatcher with every router, the allow-list, and ``deps`` for handlers."""
    # No FSM: the bot keeps no per-user state in aiogram, whose memory storage would
    # otherwise hold a record for every (chat, user) that ever wrote, forever.
    dispatcher = Dispatcher(deps=deps, disable_fsm=True)
    dispatcher.update.outer_middleware(updates)
    allow_list = AllowListMiddleware()
    dispatcher.message.middleware(allow_list)
    dispatcher.callback_query.middleware(allow_list)
    dispatcher.include_routers(*routers())
    return dispatcher


@asynccontextmanager
async def application(settings: Settings, *,
                      redact: Redactor | None = None) -> AsyncIterator[Application]:
    """Migrate, build every service, take over what a previous run left, close all on exit.

    ``redact`` hides the secrets in what the bot shows (by default, those of the settings).
    """
    redact = redact or Redactor(secrets_of(settings))
    async with AsyncExitStack() as stack:
        engine = create_engine(settings.database_url)
        stack.push_async_callback(engine.dispose)
        await _migrate(engine)
        db = Sessions(engine)
        stream_config = StreamConfig(
            mode=settings.stream_mode, edit_interval_private=settings.edit_interval_private,
            edit_interval_group=settings.edit_interval_group)
        # Scale-out: Redis when REDIS_URL is set (several workers), else this process's memory.
        coordination = await stack.enter_async_context(shared_state(settings, stream_config))
        metrics = Metrics()
        metrics.watch(coordination.turns)

        http = await stack.enter_async_context(create_session(settings.proxy_url))
        registry = ProviderRegistry.from_settings(
            http, settings.provider_settings(), timeouts=Timeouts(read=settings.provider_timeout))
        control = ProviderControl(registry, db, default_provider=settings.default_provider,
                                  default_model=settings.default_model, bus=coordination.settings)
        await control.load()
        check_default(settings, registry)

        token = settings.bot_token.get_secret_value()
        replies = ObeyFloodControl(coordination.paces, coordination.limiter)
        bot = create_bot(token, settings.telegram_api_url, replies=replies)
        stack.push_async_callback(bot.session.close)
        stream_bot = create_bot(token, settings.telegram_api_url)
        stack.push_async_callback(stream_bot.session.close)
        for client in (bot, stream_bot):  # after the retrying middleware: every attempt counts
            client.session.middleware(TelegramCallMetrics(metrics))
        me = await identify(bot, settings.telegram_api_url)
        streamer = Streamer(stream_bot, stream_config, paces=coordination.paces,
                            limiter=coordination.limiter)
        stack.push_async_callback(streamer.aclose)
        # Telegram's files: a session of their own (the providers' may go through a proxy).
        files = await stack.enter_async_context(aiohttp.ClientSession())
        downloader = FileDownloader(bot, settings.telegram_api_url, files, redact=redact)
        intake = Intake(downloader, IntakeLimits(settings.image_max_side,
                                                 settings.document_max_chars),
                        transcriber(settings, registry, http))

        access = AccessPolicy(allowed_users=settings.allowed_user_ids,
                              allowed_chats=settings.allowed_chat_ids,
                              admins=settings.admin_ids, per_minute=settings.rate_limit_per_minute)
        records = AnswerRecords(db, control, ContextBudget(
            settings.history_max_messages, settings.history_max_chars,
            settings.history_max_images), coordination.workers.worker_id)
        limits = AnswerLimits(
            max_chars=settings.answer_max_chars, daily_tokens=settings.daily_token_limit,
            max_output_tokens=settings.max_output_tokens,
            show_reasoning=settings.show_reasoning == "collapsed")
        answers = AnswerService(AnswerParts(records, control, coordination.turns, streamer,
                                            ContextImages(downloader), limits, LoopClock(),
                                            observer=metrics, files=intake))
        stack.push_async_callback(answers.aclose)  # before the streamer and the database close
        deps = Deps(
            me=me, answers=answers,
            chat_settings=ChatSettingsService(db, control,
                                              prompt_limit=settings.system_prompt_max_chars),
            control=control, turns=coordination.turns, access=access,
            admins=AdminChecker(access), streamer=streamer, usage=UsageService(db),
            intake=intake, albums=AlbumCollector(), redact=redact,
        )
        recovery = Recovery(db, coordination.workers, answers, streamer.close_interrupted)
        await recovery.sweep()
        # Several workers: the others run on when one dies, so they sweep after it.
        sweeps = PeriodicSweep(recovery, period=SWEEP_SECONDS)
        if coordination.shared:
            sweeps.start()
        stack.push_async_callback(sweeps.close)  # first to stop: it starts answers
        updates = UpdateTracker(coordination.updates, on_update=metrics.update)
        yield Application(bot, build_dispatcher(deps, updates), deps, engine, updates,
                          coordination, recovery, metrics, sweeps)


async def _migrate(engine: AsyncEngine) -> None:
    try:
        await upgrade(engine)
    except (DBAPIError, OSError) as exc:
        raise ConfigError(f"DATABASE_URL: cannot open the database ({first_line(exc)})"
                          ) from exc


async def identify(bot: Bot, api_url: str) -> User:
    """``getMe``: proves the token and that ``TELEGRAM_API_URL`` speaks the Bot API."""
    try:
        return await bot.me()
    except TelegramUnauthorizedError:
        raise ConfigError("BOT_TOKEN: Telegram refused this token") from None
    except TelegramNetworkError as exc:
        # aiohttp's message may quote the request URL, token and all: the caller redacts it.
        reason = first_line(exc.message) or type(exc).__name__
        raise ConfigError(f"TELEGRAM_API_URL: cannot reach the Bot API at {api_url} "
                          f"({reason})") from None
    except (TelegramAPIError, ClientDecodeError, ValidationError):
        raise ConfigError(f"TELEGRAM_API_URL: {api_url} does not answer like a Bot API "
                          f"server") from None


def transcriber(settings: Settings, registry: ProviderRegistry,
                http: aiohttp.ClientSession) -> Transcriber | None:
    """Speech to text through ``TRANSCRIBE_PROVIDER`` with ``TRANSCRIBE_MODEL``, if set.

    An endpoint that is not among ``PROVIDERS`` is built on its own: it
    transcribes, and is never offered for chat (nor used as a fallback).
    """
    name, model = settings.transcribe_provider, settings.transcribe_model
    if not name or not model:  # the settings require the model with the provider
        return None
    speech = settings.speech_settings()
    endpoint = (OpenAICompatible.from_settings(
        http, speech, name=name, timeouts=Timeouts(read=settings.provider_timeout))
        if speech is not None else registry.get(name))
    if not isinstance(endpoint, OpenAICompatible):  # the settings made sure it is one
        raise ConfigError(f"TRANSCRIBE_PROVIDER: {name} is not an OpenAI-compatible endpoint")
    return Transcriber(endpoint, model)


def check_default(settings: Settings, registry: ProviderRegistry) -> None:
    """``DEFAULT_MODEL`` must be a model of the default provider."""
    if not len(registry):
        raise ConfigError("PROVIDERS: no provider is configured")
    default = settings.default_provider
    if default is not None and default in registry:  # settings made sure it is enabled
        try:
            registry.get(default).get_model(settings.default_model)
        except ModelNotSupported as exc:
            raise ConfigError(f"DEFAULT_MODEL: {exc.message}") from None


async def register_commands(bot: Bot) -> None:
    """Publish the command menu (private chats and groups, English and Russian).

    The menu is cosmetic: a server that refuses it (an older or emulated Bot
    API) is logged, and the bot runs without it.
    """
    for scope in (BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats()):
        for language in ("en", "ru"):
            commands = [BotCommand(command=name, description=texts[language])
                        for name, texts in COMMANDS.items()]
            try:
                await bot.set_my_commands(commands, scope=scope,
                                          language_code=None if language == "en" else language)
            except (TelegramAPIError, ClientDecodeError) as exc:
                log.warning("the command menu could not be set: %s", exc)
                return
