"""Migrations: upgrade, downgrade and upgrade again; the models match the migrated schema."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import Base, downgrade, upgrade
from bot.db.migrate import alembic_config, current_revision, head_revision
from tests.db.conftest import Database

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"chats", "messages", "provider_states", "bot_settings", "attachments"}


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_downgrade_upgrade(engine: AsyncEngine) -> None:
    """The whole chain applies, reverts to nothing, and applies again."""
    assert await current_revision(engine) is None
    await upgrade(engine)
    assert await _tables(engine) == TABLES | {"alembic_version"}
    assert await current_revision(engine) == head_revision() == "0004"

    await downgrade(engine, "0001")
    assert await current_revision(engine) == "0001"
    await downgrade(engine, "base")
    assert await _tables(engine) == {"alembic_version"}
    assert await current_revision(engine) is None

    await upgrade(engine)
    assert await _tables(engine) == TABLES | {"alembic_version"}
    assert await current_revision(engine) == "0004"


async def test_upgrade_twice_is_a_no_op(db: AsyncEngine) -> None:
    """Restarting the bot re-runs ``upgrade``; an up-to-date database is left alone."""
    await upgrade(db)
    assert await current_revision(db) == "0004"


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_models_match_migrations(db: AsyncEngine) -> None:
    """Autogenerate finds nothing to change between the models and the migrated schema."""
    async with db.connect() as conn:
        differences = await conn.run_sync(_differences)
    assert differences == []


async def test_autogenerate_would_notice_a_drift(db: AsyncEngine) -> None:
    """The comparison above is able to fail: a missing table is reported."""
    async with db.begin() as conn:
        await conn.run_sync(lambda sync: Base.metadata.tables["bot_settings"].drop(sync))
    async with db.connect() as conn:
        differences = await conn.run_sync(_differences)
    assert [d[0] for d in differences] == ["add_table"]


async def test_upgrade_waits_for_a_migration_in_progress(database: Database) -> None:
    """A worker starting while another migrates waits, then finds the schema at head.

    (Without the PostgreSQL advisory lock the second worker would block on the first
    one's uncommitted CREATE TABLE and then fail with "relation already exists".)
    """
    first, second = database.make_engine(), database.make_engine()
    async with first.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
        waiting = asyncio.create_task(upgrade(second))
        await database.wait_for_lock_waiter()
        assert not waiting.done()
    await waiting
    assert await current_revision(second) == "0004"
    assert await _tables(second) == TABLES | {"alembic_version"}


def test_revisions_are_numbered_in_a_single_line() -> None:
    """Revision ids are "0001", "0002", ...; each file is named after its id; no branches."""
    scripts = ScriptDirectory.from_config(alembic_config())
    revisions = list(scripts.walk_revisions())
    ids = sorted(rev.revision for rev in revisions)
    assert ids == [f"{n:04d}" for n in range(1, len(ids) + 1)]
    for rev in revisions:
        assert rev.path is not None
        assert re.fullmatch(rf"{rev.revision}_\w+\.py", Path(rev.path).name)
    assert scripts.get_heads() == [ids[-1]]


def test_pyproject_points_alembic_at_the_migrations() -> None:
    """``[tool.alembic]`` in pyproject.toml finds the same scripts the bot runs."""
    config = Config(toml_file=str(ROOT / "pyproject.toml"))
    scripts = ScriptDirectory.from_config(config)
    assert Path(scripts.dir).resolve() == (ROOT / "migrations").resolve()
    assert scripts.get_current_head() == head_revision()


def test_alembic_command_line_migrates_database_url(tmp_path: Path) -> None:
    """``alembic upgrade head`` from the repository root migrates $DATABASE_URL."""
    path = tmp_path / "cli" / "bot.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{path}"}

    def alembic(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "alembic", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    upgraded = alembic("upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    assert path.is_file()
    # "check" fails unless the database is at head and matches the models.
    checked = alembic("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No new upgrade operations detected" in checked.stdout
