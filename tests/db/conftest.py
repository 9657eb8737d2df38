"""Engines for every available backend: a SQLite file always, PostgreSQL when configured.

Set ``TEST_DATABASE_URL`` (e.g. ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) to
run every storage test against PostgreSQL too. Each PostgreSQL test gets a schema of its
own (pinned through ``search_path``), dropped afterwards, so runs may overlap.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import create_engine, create_session_factory, upgrade

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@dataclass
class Database:
    """One empty test database: its backend, and a maker of engines that reach it."""

    backend: str
    schema: str
    make_engine: Callable[[], AsyncEngine]

    async def wait_for_lock_waiter(self) -> None:
        """On PostgreSQL, wait until a connection of this test blocks on a lock.

        Lets a race test order "B is blocked inside its INSERT" before "A commits"
        without guessing a delay. Returns at once on SQLite, where a second writer
        queues in ``busy_timeout`` before it reads anything.
        """
        if self.backend != "postgresql":
            return
        assert POSTGRES_URL is not None
        probe = create_engine(POSTGRES_URL)
        query = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE application_name = :name AND wait_event_type = 'Lock'"
        )
        try:
            async with probe.connect() as conn:
                for _ in range(2000):  # ~10 s, far above the milliseconds it takes
                    if await conn.scalar(query, {"name": self.schema}):
                        return
                    await asyncio.sleep(0.005)
        finally:
            await probe.dispose()
        raise AssertionError("the competing transaction never blocked")


def _pin_schema(engine: AsyncEngine, schema: str) -> None:
    """Make every connection of ``engine`` live in ``schema`` and be findable by name."""

    @event.listens_for(engine.sync_engine, "connect", insert=True)
    def _set_search_path(dbapi_connection: Any, _record: Any) -> None:
        # Outside a transaction, so a later ROLLBACK cannot undo the SET.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.execute(f"SET application_name TO '{schema}'")
        cursor.close()
        dbapi_connection.autocommit = autocommit


async def _admin(sql: str) -> None:
    """Run one statement on the PostgreSQL server outside any test schema."""
    assert POSTGRES_URL is not None
    admin = create_engine(POSTGRES_URL)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(sql))
    finally:
        await admin.dispose()


@pytest.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database on each available backend; engines made from it are disposed."""
    backend: str = request.param
    schema = f"t_{uuid.uuid4().hex[:16]}"
    engines: list[AsyncEngine] = []

    def make_engine() -> AsyncEngine:
        if backend == "sqlite":
            engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.db'}")
        else:
            assert POSTGRES_URL is not None
            engine = create_engine(POSTGRES_URL)
            _pin_schema(engine, schema)
        engines.append(engine)
        return engine

    if backend == "postgresql":
        await _admin(f'CREATE SCHEMA "{schema}"')
    try:
        yield Database(backend, schema, make_engine)
    finally:
        for engine in engines:
            await engine.dispose()
        if backend == "postgresql":
            await _admin(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def engine(database: Database) -> AsyncEngine:
    """An engine on an empty database (no tables yet)."""
    return database.make_engine()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncEngine:
    """An engine on a database migrated to the newest revision."""
    await upgrade(engine)
    return engine


@pytest.fixture
def session_factory(db: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on the migrated database."""
    return create_session_factory(db)


@pytest.fixture
async def session(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One session for a test; what it has not committed is rolled back."""
    async with session_factory() as session:
        yield session
