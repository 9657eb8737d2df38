"""Fixtures: the fake Bot API over HTTP, a real aiogram Bot and a downloader in front of it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot

from bot.media import FileDownloader
from tests.fakes.telegram import FakeTelegram


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API server (the loop's own clock: nothing here waits on time)."""
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    """A real aiogram Bot talking HTTP to the fake."""
    bot = telegram.bot()
    yield bot
    await bot.session.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """The shared HTTP session downloads go through."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def downloader(telegram: FakeTelegram, bot: Bot, http: aiohttp.ClientSession) -> FileDownloader:
    """A downloader with a 1 KiB cap, pointed at the fake."""
    return FileDownloader(bot, telegram.base_url, http, max_bytes=1024)
