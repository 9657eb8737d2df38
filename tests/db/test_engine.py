"""Engine behaviour: SQLite pragmas and file location, cascades, transactions, timestamps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import (
    Chat,
    ChatRepository,
    Message,
    MessageRepository,
    MessageRole,
    Sessions,
    create_engine,
    upgrade,
)
from tests.db.conftest import POSTGRES_URL, Database


async def test_sqlite_file_directory_is_created(tmp_path: Path) -> None:
    """A file database in a directory that does not exist yet still opens."""
    path = tmp_path / "nested" / "data" / "bot.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT 1")) == 1
    finally:
        await engine.dispose()
    assert path.is_file()


async def test_relative_sqlite_path_is_created_under_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default URL form (``sqlite+aiosqlite:///data/bot.db``) lands in ./data/."""
    monkeypatch.chdir(tmp_path)
    engine = create_engine("sqlite+aiosqlite:///data/bot.db")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    assert (tmp_path / "data" / "bot.db").is_file()


async def test_in_memory_sqlite_still_works() -> None:
    """An in-memory database (handy for quick tests elsewhere) creates no directory."""
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.connect() as conn:
            assert await conn.scalar(text("PRAGMA foreign_keys")) == 1
    finally:
        await engine.dispose()


async def test_sqlite_pragmas_on_every_connection(tmp_path: Path) -> None:
    """WAL, a busy timeout and enforced foreign keys hold on each pooled connection."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        async with engine.connect() as first, engine.connect() as second:
            for conn in (first, second):
                assert await conn.scalar(text("PRAGMA journal_mode")) == "wal"
                assert await conn.scalar(text("PRAGMA busy_timeout")) == 5000
                assert await conn.scalar(text("PRAGMA foreign_keys")) == 1
                # Transactions take the write lock up front: end this one before the
                # next connection starts its own.
                await conn.commit()
    finally:
        await engine.dispose()


async def test_deleting_a_chat_deletes_its_messages(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """ON DELETE CASCADE is enforced (on SQLite only with foreign_keys=ON)."""
    async with session_factory() as session:
        chat = await ChatRepository(session).get_or_create(1)
        await MessageRepository(session).add(chat, role=MessageRole.USER, text="hi")
        await session.commit()
    async with session_factory() as session:
        await session.execute(delete(Chat).where(Chat.id == chat.id))
        await session.commit()
        assert await session.scalar(select(func.count()).select_from(Message)) == 0


async def test_savepoint_rollback_keeps_outer_transaction(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """A released SAVEPOINT stays part of the transaction: rolling that back undoes it."""
    async with session_factory() as session:
        async with session.begin_nested():
            session.add(Chat(chat_id=1, chat_type="private"))
        await session.rollback()
    async with session_factory() as session:
        assert await ChatRepository(session).get(1) is None


async def test_timestamps_read_back_timezone_aware(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Python-side and server-side defaults both come back as aware UTC datetimes."""
    before = datetime.now(UTC) - timedelta(seconds=5)  # server clocks may be coarse
    async with session_factory() as session:
        await ChatRepository(session).get_or_create(1)
        await session.execute(insert(Chat).values(chat_id=2, chat_type="group"))
        await session.commit()
    async with session_factory() as session:
        for chat_id in (1, 2):
            chat = await ChatRepository(session).get(chat_id)
            assert chat is not None
            assert chat.created_at.utcoffset() == timedelta(0)
            assert chat.updated_at.utcoffset() == timedelta(0)
            assert chat.created_at >= before


async def test_naive_datetime_is_refused(session: AsyncSession) -> None:
    """A naive datetime would be stored with an unknown offset, so it is an error."""
    chat = Chat(chat_id=1, chat_type="private", created_at=datetime(2024, 1, 1))
    session.add(chat)
    with pytest.raises(StatementError, match="naive datetime"):
        await session.flush()


async def test_other_offsets_are_stored_as_utc(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """An aware datetime in another zone reads back as the same instant in UTC."""
    moscow = datetime(2024, 5, 1, 18, 0, tzinfo=timezone(timedelta(hours=3)))
    async with session_factory() as session:
        session.add(Chat(chat_id=1, chat_type="private", created_at=moscow))
        await session.commit()
    async with session_factory() as session:
        chat = await ChatRepository(session).get(1)
        assert chat is not None
        assert chat.created_at == datetime(2024, 5, 1, 15, 0, tzinfo=UTC)
        assert chat.created_at.tzinfo == UTC


async def test_session_objects_stay_readable_after_commit(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """expire_on_commit=False: a committed chat can be read without a new query."""
    async with session_factory() as session:
        chat = await ChatRepository(session).get_or_create(1, title="Room")
        await session.commit()
    assert chat.title == "Room"


if POSTGRES_URL:

    @pytest.mark.parametrize("database", ["postgresql"], indirect=True)
    async def test_postgres_replaces_connections_the_server_closed(database: Database) -> None:
        """pool_pre_ping: a pooled connection killed by the server is replaced silently."""
        engine = database.make_engine()
        async with engine.connect() as conn:
            pid = await conn.scalar(text("SELECT pg_backend_pid()"))
        killer = database.make_engine()
        async with killer.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT pg_backend_pid()")) != pid


async def test_autocommit_connections_leave_transactions_intact(tmp_path: Path) -> None:
    """VACUUM needs AUTOCOMMIT; the pooled connection afterwards is transactional again."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
        async with engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.exec_driver_sql("VACUUM")
            await auto.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        async with engine.connect() as conn:
            await conn.execute(text("INSERT INTO t VALUES (1)"))
            nested = await conn.begin_nested()
            await conn.execute(text("INSERT INTO t VALUES (2)"))
            await nested.commit()
            await conn.rollback()
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT count(*) FROM t")) == 0
    finally:
        await engine.dispose()


async def test_sqlite_reads_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    """A read-only session reads while another session holds the write lock (WAL)."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    db = Sessions(engine)
    try:
        await upgrade(engine)
        async with db.write() as writer, writer.begin():
            await ChatRepository(writer).get_or_create(1)  # holds the write lock from here on
            async with db.read() as reader:
                # With BEGIN IMMEDIATE this would queue behind the writer (busy_timeout).
                assert await asyncio.wait_for(ChatRepository(reader).get(1), 2) is None
            # ...while a second writer does queue: the lock really is held.
            second = asyncio.ensure_future(_write_chat(db, 2))
            await asyncio.sleep(0.2)
            assert not second.done()
        await asyncio.wait_for(second, 10)
    finally:
        await engine.dispose()


async def _write_chat(db: Sessions, chat_id: int) -> None:
    async with db.write() as session, session.begin():
        await ChatRepository(session).get_or_create(chat_id)
