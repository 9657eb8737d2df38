"""Alembic environment for the bot's database.

Two ways in:

* ``bot.db.migrate`` hands over an open connection in ``config.attributes["connection"]``
  (the bot migrates at startup on its own engine, inside a running event loop);
* the ``alembic`` command line (run from the repository root) connects to
  ``-x url=...`` or else the ``DATABASE_URL`` environment variable, default
  ``sqlite+aiosqlite:///data/bot.db``.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.db.engine import create_engine
from bot.db.models import Base

DEFAULT_URL = "sqlite+aiosqlite:///data/bot.db"
# Any constant shared by every worker: serialises concurrent migrations on PostgreSQL.
ADVISORY_LOCK_KEY = 0x62_6F_74_64_62  # "botdb"

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    """The URL the command line should migrate: ``-x url=...``, else $DATABASE_URL."""
    given = context.get_x_argument(as_dictionary=True).get("url")
    return given or os.environ.get("DATABASE_URL") or DEFAULT_URL


def _run_on(connection: Connection) -> None:
    """Run the migrations on an open connection inside its transaction."""
    if connection.dialect.name == "postgresql":
        # Several webhook workers start together; the first migrates, the others wait
        # here and then find the schema already at the target revision.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite can alter a table only by copying it; batch mode does that for us.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str) -> None:
    """Connect with the bot's own engine settings and migrate in one transaction."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_on)
    finally:
        await engine.dispose()


def _run_offline(url: str) -> None:
    """Print the SQL instead of executing it (``alembic upgrade --sql``)."""
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Dispatch on how Alembic was invoked."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
    elif context.is_offline_mode():
        _run_offline(_database_url())
    else:
        asyncio.run(_run_online(_database_url()))


main()
