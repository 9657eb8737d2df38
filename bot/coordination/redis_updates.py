"""Update dedup across workers: the first ``SET NX`` of an update id wins."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.coordination.redis_store import RedisKeys, unavailable

# Telegram keeps an unconfirmed update for 24 hours; remembering it longer is useless.
REMEMBER_SECONDS = 24 * 60 * 60


class RedisUpdateLog:
    """:class:`~bot.coordination.base.UpdateLog` shared by every worker."""

    def __init__(self, client: Redis, keys: RedisKeys) -> None:
        self._client = client
        self._keys = keys

    async def first_time(self, update_id: int) -> bool:
        """True for exactly one caller on any worker, the first time ``update_id`` is seen."""
        with unavailable("recording an update"):
            created = await self._client.set(self._keys.update(update_id), "1", nx=True,
                                             ex=REMEMBER_SECONDS)
        return bool(created)
