"""Shared state for several workers on one Redis: build it, run its tasks, close it all."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from bot.coordination.base import Coordination
from bot.coordination.redis_events import RedisEvents
from bot.coordination.redis_heartbeat import Heartbeat
from bot.coordination.redis_markers import RedisUpdateLog, RedisWorkers
from bot.coordination.redis_pacing import RedisCallLimiter, RedisPaceStore
from bot.coordination.redis_settings import RedisSettingsBus
from bot.coordination.redis_store import RedisKeys, connect, ping
from bot.coordination.redis_turns import RedisTurns


@asynccontextmanager
async def redis_coordination(url: str, *, max_waiting: int, global_rate: float,
                             global_burst: int, key_prefix: str = "llmbot:",
                             lease_seconds: float = 10.0) -> AsyncIterator[Coordination]:
    """Connect to ``url`` and share state there until the block ends.

    Owns the client, the pub/sub listener and the heartbeat; on exit the
    worker's heartbeat key is removed and everything is closed. Raises
    :class:`~bot.coordination.base.CoordinationError` when Redis does not answer.
    A dead worker's turns and places in line lapse after ``lease_seconds``.
    """
    client = connect(url)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(client.aclose)
        await ping(client)
        keys = RedisKeys(key_prefix)
        workers = RedisWorkers(client, keys, lease_seconds)
        turns = RedisTurns(client, keys, worker_id=workers.worker_id, max_waiting=max_waiting,
                           lease_seconds=lease_seconds)
        settings = RedisSettingsBus(client, keys.settings_channel, workers.worker_id)
        events = RedisEvents(client, {keys.freed_channel: turns.on_freed,
                                      keys.stop_channel: turns.on_stop,
                                      keys.settings_channel: settings.on_announce},
                             on_reconnect=lambda: _resubscribed(turns, settings))
        # Closed in reverse: heartbeat, listener (no announcement starts work after it),
        # this worker's marker, turns being given up, settings listeners, the client.
        stack.push_async_callback(settings.close)
        stack.push_async_callback(turns.close)
        stack.push_async_callback(workers.retire)
        stack.push_async_callback(events.close)
        await events.start()
        heartbeat = Heartbeat([workers.beat, turns.renew], period=lease_seconds / 3)
        stack.push_async_callback(heartbeat.close)
        await heartbeat.start()
        yield Coordination(
            turns=turns,
            paces=RedisPaceStore(client, keys),
            limiter=RedisCallLimiter(client, keys, global_rate, global_burst),
            updates=RedisUpdateLog(client, keys),
            settings=settings,
            workers=workers,
            ping=functools.partial(ping, client),
            shared=True,
        )


def _resubscribed(turns: RedisTurns, settings: RedisSettingsBus) -> None:
    """Messages sent while the subscription was down are lost: wake waiters, reload settings."""
    turns.wake_all()
    settings.on_announce("")
