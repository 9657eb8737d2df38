"""The real `python -m bot` process over HTTP, against fake Telegram and providers."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Message, create_engine, create_session_factory
from tests.fakes.providers import FakeProviderServer
from tests.fakes.telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
USER = 501
ADMIN = 502
GROUP = -100501



class BotProcess:
    """One ``python -m bot`` child process, its log kept for failure messages."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.process: asyncio.subprocess.Process | None = None
        self.output = b""

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=self.cwd, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)

    async def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then the exit status (the process must stop on its own)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(self.process.communicate(), timeout)
        self.output += output
        return self.process.returncode if self.process.returncode is not None else -1

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            output, _ = await self.process.communicate()
            self.output += output


async def until(condition: Callable[[], object], what: str, bot: BotProcess,
                timeout: float = 20) -> None:
    """Wait for something the user would see; fail with the bot's log if it never comes."""
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                if bot.process is not None and bot.process.returncode is not None:
                    break
                await asyncio.sleep(0.02)
    except TimeoutError:
        pass
    if not condition():
        await bot.kill()
        pytest.fail(f"never saw: {what}\n--- bot log ---\n{bot.output.decode(errors='replace')}")


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
