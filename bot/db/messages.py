"""Message repository: store turns, finish streamed answers, load recent history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Chat, Message, MessageRole, MessageStatus


class MessageRepository:
    """Reads and writes ``messages`` rows; never commits (the caller owns the transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside ``session``."""
        self._session = session

    async def add(
        self,
        chat: Chat,
        *,
        role: MessageRole,
        text: str,
        status: MessageStatus = MessageStatus.COMPLETE,
        author_id: int | None = None,
        author_name: str | None = None,
        telegram_message_id: int | None = None,
        reply_to_id: int | None = None,
        provider: str | None = None,
        model: str | None = None,
    ) -> Message:
        """Store a message in the chat's current conversation; its ``id`` is set on return."""
        message = Message(
            chat_pk=chat.id,
            conversation=chat.conversation,
            # The constructors also accept the plain strings and reject unknown values.
            role=MessageRole(role).value,
            status=MessageStatus(status).value,
            text=text,
            author_id=author_id,
            author_name=author_name,
            telegram_message_id=telegram_message_id,
            reply_to_id=reply_to_id,
            provider=provider,
            model=model,
        )
        self._session.add(message)
        await self._session.flush()
        return message

    async def get(self, message_id: int) -> Message | None:
        """The message with this id, or None."""
        return await self._session.get(Message, message_id)

    async def finish(
        self,
        message_id: int,
        *,
        text: str,
        status: MessageStatus,
        error: str | None = None,
        telegram_message_id: int | None = None,
        provider: str | None = None,
        model: str | None = None,
    ) -> None:
        """Record the final text and outcome of a (streamed) message.

        ``telegram_message_id``, ``provider`` and ``model`` are only overwritten when
        given: a fallback may have switched provider, the first Telegram message may
        already be stored.
        """
        values: dict[str, Any] = {
            "text": text,
            "status": MessageStatus(status).value,
            "error": error,
        }
        if telegram_message_id is not None:
            values["telegram_message_id"] = telegram_message_id
        if provider is not None:
            values["provider"] = provider
        if model is not None:
            values["model"] = model
        await self._session.execute(
            update(Message).where(Message.id == message_id).values(**values)
        )

    async def recent(self, chat: Chat, *, limit: int) -> list[Message]:
        """The newest ``limit`` messages of the current conversation, oldest first."""
        if limit <= 0:
            return []
        # Newest-first with LIMIT walks ix_messages_history backwards and stops early,
        # however long the chat's history is.
        result = await self._session.execute(
            select(Message)
            .where(Message.chat_pk == chat.id, Message.conversation == chat.conversation)
            .order_by(Message.id.desc())
            .limit(limit)
        )
        messages = list(result.scalars())
        messages.reverse()
        return messages

    async def find_question(self, chat: Chat, telegram_message_id: int) -> Message | None:
        """The user message stored for this Telegram message, if any (any conversation)."""
        result = await self._session.execute(
            select(Message)
            .where(
                Message.chat_pk == chat.id,
                Message.telegram_message_id == telegram_message_id,
                Message.role == MessageRole.USER.value,
            )
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def last_user_message(self, chat: Chat) -> Message | None:
        """The latest user message of the current conversation (for retrying it)."""
        result = await self._session.execute(
            select(Message)
            .where(
                Message.chat_pk == chat.id,
                Message.conversation == chat.conversation,
                Message.role == MessageRole.USER.value,
            )
            .order_by(Message.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def mark_streaming_interrupted(self, error: str) -> int:
        """Startup sweep: answers left ``streaming`` by a dead process become interrupted."""
        # A literal (not a bound parameter) lets both planners use the partial index.
        streaming = literal_column(f"'{MessageStatus.STREAMING.value}'", String())
        result = await self._session.execute(
            update(Message)
            .where(Message.status == streaming)
            .values(status=MessageStatus.INTERRUPTED.value, error=error)
            .returning(Message.id),
            execution_options={"synchronize_session": False},
        )
        return len(result.all())
