"""Every update once: duplicates dropped, each counted, and the unfinished ones known."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update

from bot.coordination.base import CoordinationError, UpdateLog

log = logging.getLogger(__name__)


class UpdateTracker(BaseMiddleware):
    """Outer middleware: drops an update seen before, and tracks those being handled.

    Telegram redelivers what a stopped process never confirmed, and a load
    balancer may retry a webhook: ``update_id`` is the idempotency key. When
    the shared store fails, deduplication fails open: the update is handled
    (a rare double answer is better than a question lost).
    """

    def __init__(self, updates: UpdateLog,
                 on_update: Callable[[str], None] | None = None) -> None:
        self._updates = updates
        self._on_update = on_update
        self._in_flight: set[int] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self.update_id: int | None = None  # the highest seen

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if not await self._first_time(event.update_id):
            return None
        if self._on_update is not None:
            self._on_update(event.event_type)
        if self.update_id is None or event.update_id > self.update_id:
            self.update_id = event.update_id
        self._in_flight.add(event.update_id)
        self._idle.clear()
        try:
            return await handler(event, data)
        except BaseException:
            # Cut short (a stop past the grace, an error nobody handled): when Telegram
            # delivers it again, it is handled again. Handled errors were answered already.
            await self._forget(event.update_id)
            raise
        finally:
            self._in_flight.discard(event.update_id)
            if not self._in_flight:
                self._idle.set()

    async def _first_time(self, update_id: int) -> bool:
        try:
            return await self._updates.first_time(update_id)
        except CoordinationError as exc:
            log.warning("update %s handled without the duplicate check: %s", update_id, exc)
            return True

    async def _forget(self, update_id: int) -> None:
        try:
            await self._updates.forget(update_id)
        except CoordinationError as exc:  # the error being raised matters more than this one
            log.warning("update %s may not be handled if delivered again: %s", update_id, exc)

    @property
    def in_flight(self) -> int:
        """Updates being handled now."""
        return len(self._in_flight)

    async def drained(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for the updates being handled; True when none is left."""
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    async def confirm(self, bot: Bot) -> None:
        """Tell Telegram which updates are done, leaving unfinished ones to be delivered again.

        Long polling confirms an update only with the *next* getUpdates; after a
        stop there is none. One getUpdates with the lowest unfinished id (or the
        next id) as offset confirms everything before it; anything it returns
        stays unconfirmed and comes back after the restart.
        """
        if self.update_id is None:
            return
        offset = min(self._in_flight) if self._in_flight else self.update_id + 1
        await bot.get_updates(offset=offset, limit=1, timeout=0)
