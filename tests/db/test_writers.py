"""Writers of one process take turns on SQLite instead of timing out on its lock."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

import bot.db.engine
from bot.db import Chat, ChatRepository, Sessions, create_engine, upgrade


async def test_many_writers_at_once_all_get_their_turn(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # A busy event loop stretches every transaction across its awaits; SQLite's busy
    # handler is no queue, so with enough writers one waits past busy_timeout.
    monkeypatch.setattr(bot.db.engine, "SQLITE_BUSY_TIMEOUT_MS", 50)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        await upgrade(engine)
        db = Sessions(engine)

        async def write(number: int) -> None:
            """One short transaction that outlasts busy_timeout when writers pile up."""
            async with db.write() as session, session.begin():
                await ChatRepository(session).get_or_create(-number, 0, chat_type="group")
                await asyncio.sleep(0.03)  # the loop is busy elsewhere meanwhile

        await asyncio.gather(*(write(number) for number in range(1, 11)))
        async with db.read() as session:
            assert await session.scalar(select(func.count()).select_from(Chat)) == 10
    finally:
        await engine.dispose()
