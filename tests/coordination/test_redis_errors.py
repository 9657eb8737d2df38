"""The Redis layer's error boundary: one error type out, cancellations never lost."""

from __future__ import annotations

import asyncio

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.coordination.base import CoordinationError
from bot.coordination.redis_store import unavailable


async def test_client_errors_become_one_coordination_error_chained_to_the_cause() -> None:
    cause = RedisConnectionError("Connection refused")
    with pytest.raises(CoordinationError, match="while taking a turn") as caught, \
            unavailable("taking a turn"):
        raise cause
    assert caught.value.__cause__ is cause


async def test_a_cancellation_the_client_swallowed_is_raised_again() -> None:
    finished: list[str] = []

    async def command_that_swallows_a_cancel() -> str:
        # What asyncio.wait_for in redis-py does on Python 3.11 when the reply
        # arrives together with the cancel: the reply wins, the cancel is dropped.
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            return "OK"
        return "OK"

    async def caller() -> None:
        with unavailable("renewing a lease"):
            await command_that_swallows_a_cancel()
        finished.append("carried on")

    task = asyncio.create_task(caller())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished == []
