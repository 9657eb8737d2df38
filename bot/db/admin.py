"""Repositories of bot-wide state: provider switches and health, admin settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Base, BotSetting, ProviderState, utcnow


async def _upsert(
    session: AsyncSession, model: type[Base], key: dict[str, Any], values: dict[str, Any]
) -> None:
    """Insert ``key | values``, or update ``values`` on the row that has ``key``.

    One ``INSERT ... ON CONFLICT DO UPDATE`` (both backends speak it) cannot lose a race
    the way read-then-insert can when two workers record the same provider at once.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**key, **values)
    statement = statement.on_conflict_do_update(index_elements=list(key), set_=values)
    await session.execute(statement)


class ProviderStateRepository:
    """Reads and upserts ``provider_states``; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside ``session``."""
        self._session = session

    async def all(self) -> dict[str, ProviderState]:
        """Every provider the bot has a state for, by name."""
        # populate_existing: the upserts bypass the identity map, so reload what it holds.
        result = await self._session.execute(
            select(ProviderState).execution_options(populate_existing=True)
        )
        return {state.name: state for state in result.scalars()}

    async def set_enabled(self, name: str, enabled: bool) -> None:
        """Switch a provider on or off for everyone."""
        await _upsert(self._session, ProviderState, {"name": name}, {"enabled": enabled})

    async def record_ok(self, name: str, first_piece_ms: int | None) -> None:
        """Note a successful answer and, when measured, its time to the first text."""
        values: dict[str, Any] = {"last_ok_at": utcnow()}
        if first_piece_ms is not None:
            values["first_piece_ms"] = first_piece_ms
        await _upsert(self._session, ProviderState, {"name": name}, values)

    async def record_error(self, name: str, error: str) -> None:
        """Note a failed request and its short reason."""
        values = {"last_error_at": utcnow(), "last_error": error}
        await _upsert(self._session, ProviderState, {"name": name}, values)


class SettingsRepository:
    """Reads and writes ``bot_settings``; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside ``session``."""
        self._session = session

    async def get(self, key: str) -> str | None:
        """The stored value, or None when unset."""
        return await self._session.scalar(select(BotSetting.value).where(BotSetting.key == key))

    async def set(self, key: str, value: str | None) -> None:
        """Store ``value`` under ``key``; None removes the setting."""
        if value is None:
            await self._session.execute(delete(BotSetting).where(BotSetting.key == key))
        else:
            await _upsert(self._session, BotSetting, {"key": key}, {"value": value})
