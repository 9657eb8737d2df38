"""Build the async engine and session factory for SQLite (default) or PostgreSQL.

SQLite notes (why the connect/begin hooks exist):

* WAL lets readers work while one writer commits; ``busy_timeout`` makes a second
  writer wait for the lock instead of failing at once; foreign keys are off by default
  in SQLite and the ``ON DELETE CASCADE`` of messages needs them.
* Python's sqlite3 driver starts transactions only before DML and lets ``SAVEPOINT``
  escape the surrounding transaction. We switch its transaction handling off and emit
  ``BEGIN IMMEDIATE`` ourselves: every transaction then takes the write lock up front,
  so two sessions never both read and then fail with "database is locked" on their
  first write (SQLite cannot upgrade a stale read snapshot); they queue on
  ``busy_timeout`` instead. Sessions must stay short — and one task should not hold
  two sessions at once. Read-only sessions (:meth:`Sessions.read`) begin with a plain
  (deferred) ``BEGIN``: with WAL they read a snapshot and never wait for a writer.
* SQLite's busy handler polls; it is no queue. With dozens of writers in one process
  and a busy event loop (each transaction spans several awaits), one writer can lose
  every poll until ``busy_timeout`` runs out. :meth:`Sessions.write` therefore lets
  the writers of one process take turns, first come first served; ``busy_timeout``
  is left for writers of other processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_BUSY_TIMEOUT_MS = 5000
_READ_ONLY = "bot_read_only"  # execution option of sessions that only read


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine for ``url``, tuned for its backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, echo=echo)
        _install_sqlite_hooks(engine)
        return engine
    # A pooled PostgreSQL connection may have been closed by the server or a proxy.
    return create_async_engine(parsed, echo=echo, pool_pre_ping=True)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Return a session factory whose objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


class Sessions:
    """Short sessions on one engine: ``write()`` for a transaction, ``read()`` to look only."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._write = create_session_factory(engine)
        self._read = create_session_factory(engine.execution_options(**{_READ_ONLY: True}))
        # SQLite has one writer at a time: this process's writers queue here, in order.
        self._writers = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    def write(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session for one transaction (``async with db.write() as s, s.begin():``)."""
        return self._writing()

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncSession]:
        if self._writers is None:
            async with self._write() as session:
                yield session
            return
        async with self._writers, self._write() as session:
            yield session

    def read(self) -> AsyncSession:
        """A session that only reads (on SQLite it never takes the write lock)."""
        return self._read()


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    """Apply the pragmas on every new connection and take over BEGIN."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # None = the driver emits no BEGIN of its own; the "begin" hook below does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            # WAL plus NORMAL is durable against application crashes, and much
            # cheaper per commit than FULL; a power cut may lose the last commits.
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection, *_args: Any) -> None:
        options = connection.get_execution_options()
        # isolation_level="AUTOCOMMIT" (for VACUUM, checkpoints) means no transaction.
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        connection.exec_driver_sql("BEGIN" if options.get(_READ_ONLY) else "BEGIN IMMEDIATE")
