"""ProviderStateRepository and SettingsRepository: upserts, reads, deletion."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import ProviderStateRepository, SettingsRepository

Sessions = async_sessionmaker[AsyncSession]


async def test_no_provider_states_at_first(session: AsyncSession) -> None:
    """A fresh database knows no provider states (every provider counts as enabled)."""
    assert await ProviderStateRepository(session).all() == {}


async def test_set_enabled_creates_then_updates(session_factory: Sessions) -> None:
    """An admin switches a provider off, later on again; one row throughout."""
    async with session_factory() as session:
        await ProviderStateRepository(session).set_enabled("flowgpt", False)
        await session.commit()
    async with session_factory() as session:
        states = await ProviderStateRepository(session).all()
        assert list(states) == ["flowgpt"]
        assert states["flowgpt"].enabled is False
        assert states["flowgpt"].last_ok_at is None
        await ProviderStateRepository(session).set_enabled("flowgpt", True)
        # The session already holds the row: all() shows the update, not a stale copy.
        assert (await ProviderStateRepository(session).all())["flowgpt"].enabled is True
        await session.commit()
    async with session_factory() as session:
        assert (await ProviderStateRepository(session).all())["flowgpt"].enabled is True


async def test_record_ok_and_error_keep_the_switch(session_factory: Sessions) -> None:
    """Health notes never flip the admin's switch; a None timing keeps the last one."""
    before = datetime.now(UTC) - timedelta(seconds=1)
    async with session_factory() as session:
        repo = ProviderStateRepository(session)
        await repo.record_ok("openai", 420)  # first sight of this provider: enabled
        await repo.set_enabled("vitalentum", False)
        await repo.record_error("vitalentum", "HTTP 503")
        await repo.record_ok("vitalentum", 900)
        await repo.record_ok("vitalentum", None)
        await session.commit()
    async with session_factory() as session:
        states = await ProviderStateRepository(session).all()
    openai, vitalentum = states["openai"], states["vitalentum"]
    assert (openai.enabled, openai.first_piece_ms, openai.last_error_at) == (True, 420, None)
    assert openai.last_ok_at is not None
    assert openai.last_ok_at >= before
    assert (vitalentum.enabled, vitalentum.first_piece_ms) == (False, 900)
    assert vitalentum.last_error == "HTTP 503"
    assert vitalentum.last_error_at is not None
    assert vitalentum.last_ok_at is not None
    assert vitalentum.last_ok_at >= vitalentum.last_error_at >= before


async def test_concurrent_first_records_make_one_row(session_factory: Sessions) -> None:
    """Several workers noting the same new provider at once do not collide."""

    async def record(n: int) -> None:
        async with session_factory() as session:
            await ProviderStateRepository(session).record_error("ai365vip", f"error {n}")
            await session.commit()

    await asyncio.gather(*(record(n) for n in range(6)))
    async with session_factory() as session:
        states = await ProviderStateRepository(session).all()
    assert list(states) == ["ai365vip"]
    assert states["ai365vip"].last_error in {f"error {n}" for n in range(6)}


async def test_settings_set_overwrite_delete(session_factory: Sessions) -> None:
    """Admins choose the default provider and model; None removes the choice."""
    async with session_factory() as session:
        settings = SettingsRepository(session)
        assert await settings.get("default_provider") is None
        await settings.set("default_provider", "openai")
        await settings.set("default_model", "gpt-4o-mini")
        await settings.set("default_provider", "flowgpt")
        await session.commit()
    async with session_factory() as session:
        settings = SettingsRepository(session)
        assert await settings.get("default_provider") == "flowgpt"
        assert await settings.get("default_model") == "gpt-4o-mini"
        await settings.set("default_model", None)
        await settings.set("never_set", None)
        await session.commit()
    async with session_factory() as session:
        settings = SettingsRepository(session)
        assert await settings.get("default_model") is None
        assert await settings.get("default_provider") == "flowgpt"


async def test_settings_are_not_committed_by_the_repository(session_factory: Sessions) -> None:
    """A rolled-back change leaves the stored value as it was."""
    async with session_factory() as session:
        await SettingsRepository(session).set("default_provider", "openai")
        await session.commit()
    async with session_factory() as session:
        await SettingsRepository(session).set("default_provider", "flowgpt")
        await session.rollback()
    async with session_factory() as session:
        assert await SettingsRepository(session).get("default_provider") == "openai"
