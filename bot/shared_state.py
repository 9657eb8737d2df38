"""Choosing the shared state: in memory for one process, Redis when ``REDIS_URL`` is set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from aiogram.utils.token import TokenValidationError, extract_bot_id

from bot.config import ConfigError, Settings
from bot.coordination.base import Coordination, CoordinationError
from bot.coordination.memory import in_memory
from bot.coordination.redis_coordination import redis_coordination
from bot.oneline import first_line
from bot.streaming import StreamConfig

# How long a dead worker keeps its turns and counts as alive; live workers renew every
# third of it.
LEASE_SECONDS = 10.0
# How often each worker sweeps up after dead ones: as often as heartbeats, so a dead
# worker's half-written answers are marked within a third of a lease after it lapsed.
SWEEP_SECONDS = LEASE_SECONDS / 3


def key_prefix(token: str) -> str:
    """Redis keys of one bot: ``llmbot:{bot id}:``, so several bots may share a database."""
    try:
        return f"llmbot:{extract_bot_id(token)}:"
    except TokenValidationError:
        raise ConfigError("BOT_TOKEN: not a Telegram bot token (123456:ABC...)") from None


@asynccontextmanager
async def shared_state(settings: Settings, stream: StreamConfig) -> AsyncIterator[Coordination]:
    """The coordination this process uses, open until the block ends.

    Raises :class:`ConfigError` naming ``REDIS_URL`` when Redis does not answer at startup.
    """
    if settings.redis_url is None:
        yield in_memory(max_waiting=settings.chat_queue_size, global_rate=stream.global_rate,
                        global_burst=stream.global_burst)
        return
    async with AsyncExitStack() as stack:
        try:
            coordination = await stack.enter_async_context(redis_coordination(
                settings.redis_url.get_secret_value(),
                key_prefix=key_prefix(settings.bot_token.get_secret_value()),
                max_waiting=settings.chat_queue_size, global_rate=stream.global_rate,
                global_burst=stream.global_burst, lease_seconds=LEASE_SECONDS))
        except CoordinationError as exc:
            raise ConfigError(f"REDIS_URL: {first_line(exc)}") from exc
        yield coordination
