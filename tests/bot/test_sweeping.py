"""Sweeping after dead workers now and then: an outage is said once, and sweeping goes on."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

import pytest
from sqlalchemy.exc import OperationalError

from bot.coordination.base import CoordinationError
from bot.services.recovery import Recovery, Swept
from bot.services.sweeping import PeriodicSweep


class Outage:
    """A recovery whose first sweeps fail (the database, then Redis), then succeed."""

    def __init__(self) -> None:
        self.sweeps = 0
        self.succeeded = asyncio.Event()

    async def sweep(self) -> Swept:
        self.sweeps += 1
        if self.sweeps == 1:
            raise OperationalError("SELECT", {}, ConnectionRefusedError("database down"))
        if self.sweeps == 2:
            raise CoordinationError("Redis did not answer while reading worker heartbeats")
        self.succeeded.set()
        return Swept()


async def test_sweeps_repeat_through_an_outage_that_is_logged_once(
        caplog: pytest.LogCaptureFixture) -> None:
    recovery = Outage()
    sweeps = PeriodicSweep(cast(Recovery, cast(Any, recovery)), period=0.01)
    with caplog.at_level(logging.INFO, logger="bot.services.sweeping"):
        sweeps.start()
        await asyncio.wait_for(recovery.succeeded.wait(), 10)
        await sweeps.close()
    messages = [record.getMessage() for record in caplog.records]
    assert len([m for m in messages if m.startswith("sweeping after dead workers failed")]) == 1
    assert "sweeping after dead workers works again" in messages
    done = recovery.sweeps
    await asyncio.sleep(0.05)  # closed: no sweep comes any more
    assert recovery.sweeps == done
