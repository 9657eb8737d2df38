"""Building the bot: settings → services → dispatcher. Nothing is built at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.client import create_bot
from bot.config import ConfigError, Settings
from bot.db import MessageRepository, create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.handlers import routers
from bot.handlers.access import AllowListMiddleware
from bot.handlers.deps import Deps
from bot.handlers.permissions import AdminChecker
from bot.handlers.updates import LastUpdate
from bot.services.access import AccessPolicy
from bot.services.chat import ChatService, HistoryBudget
from bot.services.chat_settings import ChatSettingsService
from bot.services.providers import ProviderControl
from bot.services.queue import ChatQueue
from bot.streaming import StreamConfig, Streamer
from bot.texts import COMMANDS
from providers.errors import ModelNotSupported
from providers.registry import ChoiceError, ProviderRegistry
from providers.transport import Timeouts, create_session

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Application:
    """A running bot's parts, for the entry point (and for tests)."""

    bot: Bot
    dispatcher: Dispatcher
    deps: Deps
    engine: AsyncEngine
    last_update: LastUpdate


def build_dispatcher(deps: Deps, last_update: LastUpdate) -> Dispatcher:
    """The dispatcher with every router, the allow-list, and ``deps`` for handlers."""
    dispatcher = Dispatcher(deps=deps)
    dispatcher.update.outer_middleware(last_update)
    allow_list = AllowListMiddleware()
    dispatcher.message.middleware(allow_list)
    dispatcher.callback_query.middleware(allow_list)
    dispatcher.include_routers(*routers())
    return dispatcher


@asynccontextmanager
async def application(settings: Settings) -> AsyncIterator[Application]:
    """Migrate, build every service, and close everything on exit."""
    async with AsyncExitStack() as stack:
        engine = create_engine(settings.database_url)
        stack.push_async_callback(engine.dispose)
        try:
            await upgrade(engine)
        except (DBAPIError, OSError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ConfigError(f"DATABASE_URL: cannot open the database ({reason})") from exc
        sessions = create_session_factory(engine)
        async with sessions() as session, session.begin():
            swept = await MessageRepository(session).mark_streaming_interrupted(
                "the bot stopped while answering")
        if swept:
            log.warning("marked %d answers left in progress by a crash as interrupted", swept)

        http = await stack.enter_async_context(create_session(settings.proxy_url))
        registry = ProviderRegistry.from_settings(
            http, settings.provider_settings(), timeouts=Timeouts(read=settings.provider_timeout))
        control = ProviderControl(registry, sessions, default_provider=settings.default_provider,
                                  default_model=settings.default_model)
        await control.load()
        check_default(settings, registry)

        token = settings.bot_token.get_secret_value()
        bot = create_bot(token, settings.telegram_api_url, wait_on_flood_control=True)
        stack.push_async_callback(bot.session.close)
        stream_bot = create_bot(token, settings.telegram_api_url, wait_on_flood_control=False)
        stack.push_async_callback(stream_bot.session.close)
        try:
            me = await bot.me()
        except TelegramUnauthorizedError:
            raise ConfigError("BOT_TOKEN: Telegram refused this token") from None
        except TelegramNetworkError as exc:
            raise ConfigError(f"TELEGRAM_API_URL: cannot reach the Bot API at "
                              f"{settings.telegram_api_url} ({exc.message})") from exc
        streamer = Streamer(stream_bot, StreamConfig(
            mode=settings.stream_mode, edit_interval_private=settings.edit_interval_private,
            edit_interval_group=settings.edit_interval_group))
        stack.push_async_callback(streamer.aclose)

        access = AccessPolicy(allowed_users=settings.allowed_user_ids,
                              allowed_chats=settings.allowed_chat_ids,
                              admins=settings.admin_ids, per_minute=settings.rate_limit_per_minute)
        deps = Deps(
            me=me,
            chat=ChatService(sessions, control, HistoryBudget(settings.history_max_messages,
                                                              settings.history_max_chars)),
            chat_settings=ChatSettingsService(sessions, control,
                                              prompt_limit=settings.system_prompt_max_chars),
            control=control,
            queue=ChatQueue(settings.chat_queue_size),
            access=access,
            admins=AdminChecker(access),
            streamer=streamer,
        )
        last_update = LastUpdate()
        yield Application(bot, build_dispatcher(deps, last_update), deps, engine, last_update)


def check_default(settings: Settings, registry: ProviderRegistry) -> None:
    """``DEFAULT_PROVIDER``/``DEFAULT_MODEL`` must name something configured."""
    if not len(registry):
        raise ConfigError("PROVIDERS: no provider is configured")
    if settings.default_provider:
        try:
            provider = registry.get(settings.default_provider)
        except ChoiceError:
            raise ConfigError(f"DEFAULT_PROVIDER: {settings.default_provider} is not among "
                              f"the enabled providers ({', '.join(registry.names)})") from None
        try:
            provider.get_model(settings.default_model)
        except ModelNotSupported as exc:
            raise ConfigError(f"DEFAULT_MODEL: {exc.message}") from None


async def register_commands(bot: Bot) -> None:
    """Publish the command menu for private chats and groups, in English and Russian."""
    for scope in (BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats()):
        for language in ("en", "ru"):
            commands = [BotCommand(command=name, description=texts[language])
                        for name, texts in COMMANDS.items()]
            await bot.set_my_commands(commands, scope=scope,
                                      language_code=None if language == "en" else language)
