"""Without Redis a database serves one worker: a lock held for the whole life of the process.

Several workers on one database without shared state would each keep their own
turns, waiting lines and flood limits, and take over each other's answers as
"left by a dead worker". The first worker takes a lock; a second one finds it
taken and stops at startup with one line naming ``REDIS_URL``:

* PostgreSQL: a session-level advisory lock, on a connection of its own kept
  open (in autocommit, so no transaction stays open) until the process ends;
* SQLite: an exclusive ``flock`` on ``<database>.lock`` beside the file.

The operating system or the database server releases either lock when the
process dies, however it dies.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.config import ConfigError, Settings
from bot.oneline import first_line

# Any constant shared by every worker of a database (the migrations use another one).
ADVISORY_LOCK_KEY = 0x62_6F_74_31_77  # "bot1w"


@asynccontextmanager
async def sole_worker(settings: Settings) -> AsyncIterator[None]:
    """Hold the database's single-worker lock until the block ends (nothing with Redis)."""
    url = make_url(settings.database_url)
    if settings.redis_url is not None:
        yield
    elif url.get_backend_name() == "postgresql":
        async with _advisory_lock(url):
            yield
    else:
        with _file_lock(url.database):
            yield


@asynccontextmanager
async def _advisory_lock(url: URL) -> AsyncIterator[None]:
    async with AsyncExitStack() as stack:
        engine = create_async_engine(url, poolclass=NullPool)
        stack.push_async_callback(engine.dispose)
        try:
            # Closing this connection (at the end of the block) releases the lock.
            connection = await stack.enter_async_context(engine.connect())
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            taken = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"),
                                            {"key": ADVISORY_LOCK_KEY})
        except (DBAPIError, OSError) as exc:
            raise _unusable(exc) from exc
        if not taken:
            raise _taken()
        yield


@contextmanager
def _file_lock(database: str | None) -> Iterator[None]:
    if not database or database == ":memory:" or database.startswith("file:"):
        yield  # a private in-memory database cannot be shared anyway
        return
    path = Path(f"{database}.lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:  # a directory that cannot be made or written: the operator's to fix
        raise _unusable(exc) from exc
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _taken() from None
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _unusable(error: BaseException) -> ConfigError:
    return ConfigError(f"DATABASE_URL: cannot open the database ({first_line(error)})")


def _taken() -> ConfigError:
    return ConfigError("REDIS_URL: another worker already uses this database; "
                       "several workers need REDIS_URL")
