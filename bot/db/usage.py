"""Token usage read back from stored answers: per model, per person, per provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Chat, Message, MessageRole


@dataclass(frozen=True, slots=True)
class UsageLine:
    """Tokens of one group of answers (a model, a person, a provider)."""

    key: str
    tokens: int
    estimated: bool  # some of them are estimates (the server reported none)


class UsageRepository:
    """Sums the tokens of answers; never writes."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside ``session``."""
        self._session = session

    async def by_model(self, since: datetime, *, author_id: int | None = None,
                       chat_id: int | None = None) -> list[UsageLine]:
        """Tokens per ``provider:model`` since ``since``, for one person and/or one chat."""
        key = func.coalesce(Message.provider, "?") + ":" + func.coalesce(Message.model, "?")
        query = _sums(key, since)
        if author_id is not None:
            query = query.where(Message.author_id == author_id)
        if chat_id is not None:
            query = query.join(Chat, Chat.id == Message.chat_pk).where(Chat.chat_id == chat_id)
        return await self._lines(query)

    async def by_user(self, since: datetime) -> list[UsageLine]:
        """Tokens per person (their Telegram id) since ``since``."""
        return await self._lines(_sums(func.coalesce(Message.author_id, 0), since))

    async def by_provider(self, since: datetime) -> list[UsageLine]:
        """Tokens per provider since ``since``."""
        return await self._lines(_sums(func.coalesce(Message.provider, "?"), since))

    async def names(self, author_ids: list[int]) -> dict[int, str]:
        """The newest display name each person asked under."""
        if not author_ids:
            return {}
        newest = (select(func.max(Message.id).label("last"))
                  .where(Message.author_id.in_(author_ids),
                         Message.role == MessageRole.USER.value,
                         Message.author_name.is_not(None))
                  .group_by(Message.author_id).subquery())
        rows = await self._session.execute(
            select(Message.author_id, Message.author_name)
            .where(Message.id.in_(select(newest.c.last))))
        return {author: str(name) for author, name in rows if author is not None}

    async def _lines(self, query: Select[Any]) -> list[UsageLine]:
        rows = await self._session.execute(query)
        lines = [UsageLine(str(key), int(tokens or 0), bool(estimated))
                 for key, tokens, estimated in rows]
        return sorted((line for line in lines if line.tokens), key=lambda line: -line.tokens)


def _sums(key: ColumnElement[Any], since: datetime) -> Select[Any]:
    """Total tokens and "any estimated" per ``key``, over answers since ``since``."""
    tokens = func.sum(func.coalesce(Message.prompt_tokens, 0)
                      + func.coalesce(Message.completion_tokens, 0))
    estimated = func.max(case((Message.tokens_estimated, 1), else_=0))
    return (select(key, tokens, estimated)
            .where(Message.role == MessageRole.ASSISTANT.value, Message.created_at >= since)
            .group_by(key))
