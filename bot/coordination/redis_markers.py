"""Short-lived markers in Redis: which updates were taken, and which workers live.

An update's marker lasts a day (Telegram keeps an update that long); a
worker's lasts one lease and is renewed by its heartbeat.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection

from redis.asyncio import Redis

from bot.coordination.base import CoordinationError
from bot.coordination.redis_store import RedisKeys, unavailable

log = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for 24 hours; remembering it longer is useless.
REMEMBER_SECONDS = 24 * 60 * 60


class RedisUpdateLog:
    """:class:`~bot.coordination.base.UpdateLog` for every worker: the first ``SET NX`` wins."""

    def __init__(self, client: Redis, keys: RedisKeys) -> None:
        self._client = client
        self._keys = keys

    async def first_time(self, update_id: int) -> bool:
        """True for exactly one caller on any worker, the first time ``update_id`` is seen."""
        with unavailable("recording an update"):
            created = await self._client.set(self._keys.update(update_id), "1", nx=True,
                                             ex=REMEMBER_SECONDS)
        return bool(created)

    async def forget(self, update_id: int) -> None:
        """A redelivery of ``update_id`` is handled again (its handling was cut short)."""
        with unavailable("forgetting an update"):
            await self._client.delete(self._keys.update(update_id))


class RedisWorkers:
    """:class:`~bot.coordination.base.Workers` from ``worker:{id}`` keys with a lease."""

    def __init__(self, client: Redis, keys: RedisKeys, lease_seconds: float) -> None:
        self._client = client
        self._keys = keys
        self._lease_ms = max(1, round(lease_seconds * 1000))
        self._id = f"w-{uuid.uuid4().hex[:12]}"

    @property
    def worker_id(self) -> str:
        """This process's id (unique per start)."""
        return self._id

    async def beat(self) -> None:
        """Say this worker lives for one more lease (the heartbeat calls this)."""
        with unavailable("renewing this worker's heartbeat"):
            await self._client.set(self._keys.worker(self._id), "1", px=self._lease_ms)

    async def alive(self, worker_ids: Collection[str]) -> set[str]:
        """Those of ``worker_ids`` whose heartbeat has not lapsed (this process always)."""
        ids = list(dict.fromkeys(worker_ids))
        if not ids:
            return set()
        with unavailable("reading worker heartbeats"):
            found = await self._client.mget([self._keys.worker(i) for i in ids])
        return {i for i, value in zip(ids, found, strict=True)
                if value is not None or i == self._id}

    async def retire(self) -> None:
        """This worker stops: others may take over its leftovers at once."""
        try:
            with unavailable("removing this worker's heartbeat"):
                await self._client.delete(self._keys.worker(self._id))
        except CoordinationError as exc:
            log.warning("%s; it lapses by itself", exc)
