"""Without REDIS_URL a database takes one worker: a second one stops at startup with one line."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.cluster import POSTGRES_URL, fresh_database
from tests.e2e.conftest import ROOT, World
from tests.e2e.workers import Worker, until

pytestmark = pytest.mark.timeout(120)

REFUSED = ("configuration error: REDIS_URL: another worker already uses this database; "
           "several workers need REDIS_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not (POSTGRES_URL or "").startswith("postgresql"), reason="TEST_DATABASE_URL is not set"))]


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/data/bot.db"
        return
    assert POSTGRES_URL is not None
    async with fresh_database(POSTGRES_URL) as url:
        yield url


async def second_start(env: dict[str, str]) -> tuple[int, list[str]]:
    """Run ``python -m bot`` to its end: the exit status and the lines of its stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stderr.decode().strip().splitlines()


async def test_a_second_worker_without_redis_is_refused_until_the_first_stops(
        world: World, database_url: str) -> None:
    telegram, _, env = world
    telegram.poll_cap = 0.5  # a stop waits for the long poll in flight
    env = {**env, "DATABASE_URL": database_url}
    first = Worker("first", env)
    try:
        await first.start(listening=False)
        await until(lambda: telegram.calls("getUpdates"), "the first worker polling", [first])
        assert await second_start(env) == (2, [REFUSED])
        assert await first.stop() == 0, first.log

        after = Worker("after", env)
        await after.start(listening=False)
        try:
            await until(lambda: "Start polling" in after.log, "the next worker polling",
                        [after])
            assert await after.stop() == 0, after.log
        finally:
            await after.kill()
    finally:
        await first.kill()
