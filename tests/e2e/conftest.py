"""The real `python -m bot` process over HTTP, against fake Telegram and providers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Message, create_engine, create_session_factory
from tests.e2e.support import ROOT
from tests.fakes.providers import FakeProviderServer
from tests.fakes.telegram import FakeTelegram

USER = 501
ADMIN = 502
GROUP = -100501

World = tuple[FakeTelegram, FakeProviderServer, dict[str, str]]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with FakeTelegram() as telegram, FakeProviderServer() as providers:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": telegram.token,
            "TELEGRAM_API_URL": telegram.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/bot.db",
            "PROVIDERS": "openai,flowgpt,vitalentum,ai365vip,codelinkava",
            "OPENAI_API_KEY": "test-key",
            "ADMIN_IDS": str(ADMIN),
            "EDIT_INTERVAL_PRIVATE": "0.2",
            "EDIT_INTERVAL_GROUP": "0.2",
            **providers.env(),
        }
        yield telegram, providers, env


async def stored_messages(database: Path) -> list[Message]:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with create_session_factory(engine)() as session:
            return list(await session.scalars(select(Message).order_by(Message.id)))
    finally:
        await engine.dispose()
