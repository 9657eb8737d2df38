"""With several workers, sweeping up after dead ones now and then, not only at startup.

A worker that dies leaves answers streaming and questions pending; one that
stops hands its waiting questions back. The next start would take them over,
but with several workers the others are running already: each sweeps every
``period`` seconds (compare-and-set updates make sure one sweeper takes each).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.coordination.base import CoordinationError
from bot.services.recovery import Recovery

log = logging.getLogger(__name__)


class PeriodicSweep:
    """Runs :meth:`Recovery.sweep` every ``period`` seconds in a task it keeps, until closed."""

    def __init__(self, recovery: Recovery, period: float) -> None:
        self._recovery = recovery
        self._period = period
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin sweeping (the first sweep comes one period from now)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="recovery-sweep")

    async def _run(self) -> None:
        failing = False
        while True:
            await asyncio.sleep(self._period)
            try:
                await self._recovery.sweep()
            # The boundary of one sweep: the database or Redis may be out of reach for a
            # while; the next sweep tries again, so say it once per outage.
            except (SQLAlchemyError, OSError, CoordinationError) as exc:
                if not failing:
                    log.warning("sweeping after dead workers failed: %s", exc)
                failing = True
            except Exception:  # a bug: logged, and the next sweep tries again
                log.exception("sweeping after dead workers failed")
            else:
                if failing:
                    log.info("sweeping after dead workers works again")
                failing = False

    async def close(self) -> None:
        """Stop sweeping; a sweep under way is cancelled.

        A question it had claimed but not started stays pending under this
        worker, and is taken over once this worker is gone.
        """
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
