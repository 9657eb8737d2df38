"""Which workers live: each keeps a key that expires unless its heartbeat renews it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection

from redis.asyncio import Redis

from bot.coordination.base import CoordinationError
from bot.coordination.redis_store import RedisKeys, unavailable

log = logging.getLogger(__name__)


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
