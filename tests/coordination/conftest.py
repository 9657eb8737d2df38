"""Shared state under test: the in-memory implementation always, Redis when configured.

Set ``TEST_REDIS_URL`` (e.g. ``redis://127.0.0.1:6379/15``) to run the Redis
tests; without it they are skipped. Every test uses a key prefix of its own
and deletes its keys afterwards, so runs may overlap on one database.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest
from redis.asyncio import Redis

from bot.coordination.base import Coordination
from bot.coordination.memory import in_memory
from bot.coordination.redis_coordination import redis_coordination
from tests.redis_keys import forget_keys

REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(REDIS_URL is None, reason="TEST_REDIS_URL is not set")

# Short leases keep the tests of dead workers quick; live workers renew every third of it.
TEST_LEASE = 0.6

Factory = Callable[..., Awaitable[Coordination]]


async def until(condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    """Wait for ``condition`` (checked every 10 ms); fail naming ``what`` after ``timeout``."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                if condition():
                    return
                await asyncio.sleep(0.01)
    except TimeoutError:
        pytest.fail(f"never happened: {what}")


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix for one test; its keys are deleted afterwards."""
    if REDIS_URL is None:
        pytest.skip("TEST_REDIS_URL is not set")
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    await forget_keys(REDIS_URL, prefix)


@pytest.fixture
async def redis_client(redis_prefix: str) -> AsyncIterator[Redis]:
    """A plain client on the test database, for looking at keys (answers ``str``)."""
    assert REDIS_URL is not None
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
async def workers(redis_prefix: str) -> AsyncIterator[Factory]:
    """Starts Redis-backed workers sharing one prefix (each has a client of its own)."""
    assert REDIS_URL is not None
    async with AsyncExitStack() as stack:

        async def start(**options: Any) -> Coordination:
            settings: dict[str, Any] = {"max_waiting": 3, "global_rate": 30.0,
                                        "global_burst": 10, "lease_seconds": TEST_LEASE,
                                        **options}
            assert REDIS_URL is not None
            return await stack.enter_async_context(
                redis_coordination(REDIS_URL, key_prefix=redis_prefix, **settings))

        yield start


@pytest.fixture(params=["memory", pytest.param("redis", marks=needs_redis)])
def make(request: pytest.FixtureRequest) -> Factory:
    """Builds coordinations of one implementation (memory, then Redis); contract tests use it.

    Two coordinations built by one test share state only on Redis, so contract
    tests build one.
    """
    if request.param == "redis":
        factory: Factory = request.getfixturevalue("workers")
        return factory

    async def start_memory(**options: Any) -> Coordination:
        settings: dict[str, Any] = {"max_waiting": 3, "global_rate": 30.0,
                                    "global_burst": 10, **options}
        return in_memory(**settings)

    return start_memory
