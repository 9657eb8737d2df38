"""Message repository: store turns, follow an answer's life, load recent history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, func, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Chat, Message, MessageRole, MessageStatus

_NOT_ASKED = (MessageStatus.DECLINED.value, MessageStatus.PENDING.value)


def _literal(status: MessageStatus) -> Any:
    # A literal (not a bound parameter) lets both planners use the partial indexes.
    return literal_column(f"'{status.value}'", String())


@dataclass(frozen=True, slots=True)
class TokenCount:
    """Tokens of one answer; ``estimated`` when the server reported none."""

    prompt: int
    completion: int
    estimated: bool = False


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
        conversation: int | None = None,
        worker: str | None = None,
        language: str | None = None,
    ) -> Message:
        """Store a message (in the chat's current conversation unless told); ``id`` is set."""
        message = Message(
            chat_pk=chat.id,
            conversation=chat.conversation if conversation is None else conversation,
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
            worker=worker,
            language=language,
        )
        self._session.add(message)
        await self._session.flush()
        return message

    async def get(self, message_id: int) -> Message | None:
        """The message with this id, or None."""
        return await self._session.get(Message, message_id)

    async def set_status(self, message_id: int, status: MessageStatus) -> None:
        """Move a message to ``status``; nobody holds it any more."""
        await self._update(message_id, status=MessageStatus(status).value, worker=None)

    async def take(self, question_id: int, *, worker: str) -> bool:
        """Take a question up for answering, unless another worker took it over meanwhile.

        A pending question belongs to the worker that stored or claimed it (or to
        nobody); an answered one may be asked again (/retry). Compare and set.
        """
        result = await self._session.execute(
            update(Message)
            .where(Message.id == question_id,
                   or_(Message.status != MessageStatus.PENDING.value, Message.worker.is_(None),
                       Message.worker == worker))
            .values(status=MessageStatus.COMPLETE.value, worker=None))
        return bool(getattr(result, "rowcount", 0))

    async def decline_stale(self, before: datetime) -> int:
        """Questions still pending since before ``before`` are given up (declined)."""
        result = await self._session.execute(
            update(Message)
            .where(Message.status == _literal(MessageStatus.PENDING), Message.created_at < before)
            .values(status=MessageStatus.DECLINED.value, worker=None)
            .execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    async def claim(self, message_id: int, *, held_by: str | None, worker: str) -> bool:
        """Take a pending question over from ``held_by`` (compare and set); True if taken."""
        result = await self._session.execute(
            update(Message)
            .where(Message.id == message_id, Message.status == MessageStatus.PENDING.value,
                   Message.worker.is_(None) if held_by is None else Message.worker == held_by)
            .values(worker=worker))
        return bool(getattr(result, "rowcount", 0))

    async def interrupt(self, message_id: int, *, held_by: str | None, error: str) -> bool:
        """Mark an answer its worker left streaming as interrupted (compare and set)."""
        result = await self._session.execute(
            update(Message)
            .where(Message.id == message_id, Message.status == MessageStatus.STREAMING.value,
                   Message.worker.is_(None) if held_by is None else Message.worker == held_by)
            .values(status=MessageStatus.INTERRUPTED.value, error=error, worker=None,
                    live_message_id=None, live_text=None))
        return bool(getattr(result, "rowcount", 0))

    async def checkpoint(self, message_id: int, *, live_message_id: int, live_text: str,
                         first_message_id: int, text: str) -> None:
        """Note where a streaming answer stands: its text so far, the message it grows in.

        Only while it streams: a checkpoint that lands after the final store changes nothing.
        """
        await self._session.execute(
            update(Message)
            .where(Message.id == message_id, Message.status == MessageStatus.STREAMING.value)
            .values(live_message_id=live_message_id, live_text=live_text,
                    telegram_message_id=first_message_id, text=text))

    async def finish(
        self,
        message_id: int,
        *,
        text: str,
        status: MessageStatus,
        error: str | None = None,
        provider: str | None = None,
        model: str | None = None,
        tokens: TokenCount | None = None,
    ) -> None:
        """Record the final text and outcome of an answer; it no longer belongs to a worker.

        ``provider`` and ``model`` are only overwritten when given (a fallback may
        have switched provider).
        """
        values: dict[str, Any] = {"text": text, "status": MessageStatus(status).value,
                                  "error": error, "worker": None}
        if provider is not None:
            values["provider"] = provider
        if model is not None:
            values["model"] = model
        if tokens is not None:
            values.update(prompt_tokens=tokens.prompt, completion_tokens=tokens.completion,
                          tokens_estimated=tokens.estimated)
        await self._update(message_id, **values)

    async def delivered(self, message_id: int, telegram_message_id: int | None) -> None:
        """The answer's messages are on screen: remember the first, forget the live one."""
        values: dict[str, Any] = {"live_message_id": None, "live_text": None}
        if telegram_message_id is not None:
            values["telegram_message_id"] = telegram_message_id
        await self._update(message_id, **values)

    async def recent(self, chat: Chat, *, limit: int,
                     conversation: int | None = None) -> list[Message]:
        """The newest ``limit`` messages of a conversation (default: current), oldest first."""
        if limit <= 0:
            return []
        # Newest-first with LIMIT walks ix_messages_history backwards and stops early,
        # however long the chat's history is.
        number = chat.conversation if conversation is None else conversation
        result = await self._session.execute(
            select(Message)
            .where(Message.chat_pk == chat.id, Message.conversation == number)
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

    async def last_question(self, chat: Chat) -> Message | None:
        """The newest question of the current conversation that was taken up (for /retry).

        Questions turned away as busy, and those still waiting, are not retried.
        """
        result = await self._session.execute(
            select(Message)
            .where(
                Message.chat_pk == chat.id,
                Message.conversation == chat.conversation,
                Message.role == MessageRole.USER.value,
                Message.status.not_in(_NOT_ASKED),
            )
            .order_by(Message.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def streaming(self) -> list[Message]:
        """Answers being written (by this process or any other) or left so by a crash."""
        result = await self._session.execute(
            select(Message).where(Message.status == _literal(MessageStatus.STREAMING)))
        return list(result.scalars())

    async def pending(self, *, since: datetime) -> list[Message]:
        """Questions stored after ``since`` whose answer has not started, oldest first."""
        result = await self._session.execute(
            select(Message)
            .where(Message.status == _literal(MessageStatus.PENDING),
                   Message.created_at >= since)
            .order_by(Message.id))
        return list(result.scalars())

    async def tokens_since(self, author_id: int, since: datetime) -> int:
        """Tokens the answers to one person cost since ``since``."""
        total = await self._session.scalar(
            select(func.coalesce(func.sum(func.coalesce(Message.prompt_tokens, 0)
                                          + func.coalesce(Message.completion_tokens, 0)), 0))
            .where(Message.author_id == author_id, Message.created_at >= since,
                   Message.role == MessageRole.ASSISTANT.value))
        return int(total or 0)

    async def _update(self, message_id: int, **values: Any) -> None:
        await self._session.execute(
            update(Message).where(Message.id == message_id).values(**values))
