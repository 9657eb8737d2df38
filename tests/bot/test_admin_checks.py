"""Who may configure a group: chat admins, asked of Telegram and remembered for a minute."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.types import Chat, User

from bot.handlers.permissions import AdminChecker
from bot.services.access import AccessPolicy
from tests.fakes.telegram import FakeClock, FakeTelegram

GROUP = -100123
USER = 77


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    bot = telegram.bot()
    yield bot
    await bot.session.close()


async def test_a_chat_admin_is_remembered_for_the_ttl_on_the_injected_clock(
        telegram: FakeTelegram, bot: Bot) -> None:
    clock = FakeClock()
    admins = AdminChecker(AccessPolicy(), ttl=60.0, clock=clock)
    group = Chat(id=GROUP, type="supergroup")
    user = User(id=USER, is_bot=False, first_name="A")
    telegram.set_member(GROUP, USER, "administrator")
    assert await admins.may_configure(bot, group, user)
    telegram.set_member(GROUP, USER, "member")  # demoted: not seen within the minute
    clock.advance(59)
    assert await admins.may_configure(bot, group, user)
    assert len(telegram.calls("getChatMember")) == 1
    clock.advance(2)
    assert not await admins.may_configure(bot, group, user)
    assert len(telegram.calls("getChatMember")) == 2
