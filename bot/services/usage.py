"""Token usage for /usage: a person's and a chat's, today and this month (UTC), or everyone's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.db import Sessions, UsageLine, UsageRepository


@dataclass(frozen=True, slots=True)
class Period:
    """Usage lines of today and of this month."""

    today: list[UsageLine]
    month: list[UsageLine]


def _starts(now: datetime) -> tuple[datetime, datetime]:
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return day, day.replace(day=1)


class UsageService:
    """Reads token usage from stored answers (reported by servers or estimated)."""

    def __init__(self, db: Sessions) -> None:
        self._db = db

    async def of_person(self, author_id: int, *, now: datetime | None = None) -> Period:
        """Tokens of answers to one person, per model."""
        return await self._by_model(now, author_id=author_id)

    async def of_chat(self, chat_id: int, *, now: datetime | None = None) -> Period:
        """Tokens of answers in one chat (all its topics), per model."""
        return await self._by_model(now, chat_id=chat_id)

    async def _by_model(self, now: datetime | None, *, author_id: int | None = None,
                        chat_id: int | None = None) -> Period:
        day, month = _starts(now or datetime.now(UTC))
        async with self._db.read() as session:
            usage = UsageRepository(session)
            return Period(await usage.by_model(day, author_id=author_id, chat_id=chat_id),
                          await usage.by_model(month, author_id=author_id, chat_id=chat_id))

    async def of_everyone(self, *, now: datetime | None = None
                          ) -> tuple[Period, Period, dict[int, str]]:
        """Per person and per provider, with each person's newest display name."""
        day, month = _starts(now or datetime.now(UTC))
        async with self._db.read() as session:
            usage = UsageRepository(session)
            people = Period(await usage.by_user(day), await usage.by_user(month))
            providers = Period(await usage.by_provider(day), await usage.by_provider(month))
            ids = {int(line.key) for line in people.month + people.today if line.key.isdigit()}
            names = await usage.names(sorted(ids))
        return people, providers, names
