"""Chat repository: per-chat (and per-topic) settings and conversation counter."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Chat, Message


class ChatRepository:
    """Reads and changes ``chats`` rows; never commits (the caller owns the transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside ``session``."""
        self._session = session

    async def get(self, chat_id: int, thread_id: int = 0) -> Chat | None:
        """The chat (topic) row, or None if the bot has never seen it."""
        result = await self._session.execute(
            select(Chat).where(Chat.chat_id == chat_id, Chat.thread_id == thread_id)
        )
        return result.scalar_one_or_none()

    async def by_ids(self, ids: set[int]) -> dict[int, Chat]:
        """Chat rows by primary key (those that exist)."""
        if not ids:
            return {}
        rows = await self._session.scalars(select(Chat).where(Chat.id.in_(ids)))
        return {chat.id: chat for chat in rows}

    async def get_or_create(
        self,
        chat_id: int,
        thread_id: int = 0,
        *,
        chat_type: str = "private",
        title: str | None = None,
    ) -> Chat:
        """Return the chat row, creating it on first contact; a given title is refreshed.

        Two first messages of one chat may race: the loser's insert fails on the unique
        key inside a SAVEPOINT, which is rolled back alone, and the winner's row is read.
        """
        chat = await self.get(chat_id, thread_id)
        if chat is None:
            chat = Chat(chat_id=chat_id, thread_id=thread_id, chat_type=chat_type, title=title)
            try:
                async with self._session.begin_nested():
                    self._session.add(chat)
            except IntegrityError:
                chat = await self.get(chat_id, thread_id)
                if chat is None:  # the conflict was something other than our key
                    raise
        # Only the title is refreshed: callers that merely look a chat up pass the
        # default chat_type, which must not turn a group into a private chat.
        if title is not None and chat.title != title:
            chat.title = title
        await self._session.flush()
        return chat

    async def set_model(self, chat: Chat, provider: str | None, model: str | None) -> None:
        """Pin the chat to a provider and model; None means the bot's default."""
        chat.provider = provider
        chat.model = model
        await self._session.flush()

    async def set_system_prompt(self, chat: Chat, prompt: str | None) -> None:
        """Set or clear (None) the chat's system prompt."""
        chat.system_prompt = prompt
        await self._session.flush()

    async def new_conversation(self, chat: Chat) -> None:
        """Start a fresh context: later history loads ignore earlier messages."""
        # Increment in SQL so two concurrent resets both count.
        await self._session.execute(
            update(Chat).where(Chat.id == chat.id).values(conversation=Chat.conversation + 1)
        )
        await self._session.refresh(chat, ["conversation", "updated_at"])

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """Move a group's rows (every topic) to its new supergroup id; return rows moved.

        If the supergroup already has a row for a topic (it was used before the migration
        was noticed), the two are merged into that row: messages move over, the current
        conversations of both become the merged current one, and settings the new row
        has not set are taken from the old one.
        """
        if old_chat_id == new_chat_id:
            return 0
        old_rows = (
            (await self._session.execute(select(Chat).where(Chat.chat_id == old_chat_id)))
            .scalars()
            .all()
        )
        for old in old_rows:
            existing = await self.get(new_chat_id, old.thread_id)
            if existing is None:
                old.chat_id = new_chat_id
                old.chat_type = "supergroup"
            else:
                await self._merge(old, existing)
        await self._session.flush()
        return len(old_rows)

    async def _merge(self, old: Chat, new: Chat) -> None:
        """Fold ``old`` into ``new`` and delete ``old``."""
        merged = max(old.conversation, new.conversation)
        # Earlier conversations of either row are numbered below ``merged``, so only the
        # two current ones end up sharing it.
        for row in (old, new):
            await self._session.execute(
                update(Message)
                .where(Message.chat_pk == row.id, Message.conversation == row.conversation)
                .values(conversation=merged)
            )
        await self._session.execute(
            update(Message).where(Message.chat_pk == old.id).values(chat_pk=new.id)
        )
        new.conversation = merged
        # Provider and model are one choice: take the pair or leave it, never mix halves.
        if new.provider is None and new.model is None:
            new.provider, new.model = old.provider, old.model
        if new.title is None:
            new.title = old.title
        if new.system_prompt is None:
            new.system_prompt = old.system_prompt
        await self._session.delete(old)
