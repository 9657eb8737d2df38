"""Fixtures: virtual time, the fake Bot API over HTTP, a real aiogram Bot, streamers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiogram import Bot

from bot.streaming import StreamConfig, Streamer
from tests.fakes.telegram import FakeClock, FakeTelegram

StreamerFactory = Callable[..., Streamer]


@pytest.fixture
async def clock() -> AsyncIterator[FakeClock]:
    """Virtual time that jumps whenever every task waits on it."""
    clock = FakeClock()
    clock.start_autojump()
    yield clock
    await clock.stop()


@pytest.fixture
async def telegram(clock: FakeClock) -> AsyncIterator[FakeTelegram]:
    """The fake Bot API server on the virtual clock."""
    async with FakeTelegram(clock=clock) as fake:
        yield fake


@pytest.fixture
async def bot(telegram: FakeTelegram, clock: FakeClock) -> AsyncIterator[Bot]:
    """A real aiogram Bot (AiohttpSession) talking HTTP to the fake."""
    bot = telegram.bot(clock=clock)
    yield bot
    await bot.session.close()


@pytest.fixture
async def make_streamer(bot: Bot, clock: FakeClock) -> AsyncIterator[StreamerFactory]:
    """Build streamers with config overrides; all are closed after the test."""
    built: list[Streamer] = []

    def factory(**overrides: Any) -> Streamer:
        streamer = Streamer(bot, StreamConfig(**overrides), clock=clock)
        built.append(streamer)
        return streamer

    yield factory
    for streamer in built:
        await streamer.aclose()
