"""The chat service: store the question, build the context, stream the answer, store it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import (
    ChatRepository,
    Message,
    MessageRepository,
    MessageRole,
    MessageStatus,
    ProviderStateRepository,
)
from bot.services.context import HistoryItem, build_context
from bot.services.providers import ProviderControl, record_health
from bot.services.queue import RunningAnswer
from bot.services.turns import ChatKey, Outcome, Question, StopReason
from bot.streaming.base import AnswerWriter
from providers.errors import ProviderError
from providers.events import TextPiece
from providers.fallback import FallbackStream
from providers.messages import ChatMessage
from providers.registry import Choice

log = logging.getLogger(__name__)

FooterFor = Callable[[Outcome], "str | None"]
# The provider that answered (if any), its time to first piece, and the failures before it.
Health = tuple[str | None, int | None, list[ProviderError]]


@dataclass(frozen=True, slots=True)
class HistoryBudget:
    """How much history goes into one request."""

    max_messages: int
    max_chars: int


class ChatService:
    """Answers questions; owns every transaction it needs and none across a stream."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        control: ProviderControl,
        budget: HistoryBudget,
    ) -> None:
        self._sessions = sessions
        self._control = control
        self._budget = budget

    async def record_question(self, question: Question) -> int | None:
        """Store the user's message before anything else can fail; returns its id.

        None when this Telegram message is stored already: Telegram redelivers
        updates a crashed process never confirmed, and one question gets one answer.
        """
        async with self._sessions() as session, session.begin():
            chat = await ChatRepository(session).get_or_create(
                question.key.chat_id, question.key.thread_id,
                chat_type=question.chat_type, title=question.chat_title)
            messages = MessageRepository(session)
            if await messages.find_question(chat, question.message_id) is not None:
                return None
            message = await messages.add(
                chat, role=MessageRole.USER, text=question.text, author_id=question.author_id,
                author_name=question.author_name, telegram_message_id=question.message_id)
            return message.id

    async def last_question(self, key: ChatKey) -> int | None:
        """The id of the newest question of the current conversation (for /retry)."""
        async with self._sessions() as session:
            chat = await ChatRepository(session).get(key.chat_id, key.thread_id)
            if chat is None:
                return None
            message = await MessageRepository(session).last_user_message(chat)
            return message.id if message else None

    async def answer(
        self,
        key: ChatKey,
        question_id: int,
        writer: AnswerWriter,
        running: RunningAnswer,
        footer_for: FooterFor,
    ) -> Outcome:
        """Stream the answer to a stored question into ``writer`` and store how it ended.

        Asking again for a question already answered is a /retry: the new answer
        replaces the old one in later contexts.
        """
        if running.stopped.is_set():
            await writer.close()
            return Outcome(status=MessageStatus.INTERRUPTED, stop_reason=running.reason)
        context, choice, answer_id = await self._prepare(key, question_id)
        outcome = Outcome(provider=choice.provider, model=choice.model)
        stream = FallbackStream(self._control.attempts(choice), context)
        try:
            first_piece_ms = await self._pump(stream, writer, running, outcome)
        except BaseException:
            await self._store(answer_id, Outcome(status=MessageStatus.INTERRUPTED,
                                                 text=outcome.text), None)
            raise
        if stream.answered_by:
            outcome.provider = stream.answered_by.provider.name
            outcome.model = stream.answered_by.provider.get_model(stream.answered_by.model)
        outcome.status = _status(outcome, writer)
        telegram_id = None
        if outcome.text:
            delivery = await writer.finish(footer_for(outcome))
            outcome.delivered = delivery.delivered
            telegram_id = delivery.message_ids[0] if delivery.message_ids else None
        else:
            await writer.close()
        answered = outcome.provider if stream.answered_by else None
        await self._store(answer_id, outcome, telegram_id,
                          health=(answered, first_piece_ms, stream.failures))
        return outcome

    async def _prepare(self, key: ChatKey, question_id: int
                       ) -> tuple[list[ChatMessage], Choice, int]:
        async with self._sessions() as session, session.begin():
            chat = await ChatRepository(session).get_or_create(key.chat_id, key.thread_id)
            messages = MessageRepository(session)
            # A few extra rows leave room for failed turns the context skips.
            stored = await messages.recent(chat, limit=self._budget.max_messages + 8)
            choice = self._control.choice_for(chat.provider, chat.model)
            context = build_context(
                [_history_item(m) for m in stored], question_id, system_prompt=chat.system_prompt,
                max_messages=self._budget.max_messages, max_chars=self._budget.max_chars,
                group=chat.chat_type != "private")
            placeholder = await messages.add(
                chat, role=MessageRole.ASSISTANT, text="", status=MessageStatus.STREAMING,
                reply_to_id=question_id, provider=choice.provider, model=choice.model)
            return context, choice, placeholder.id

    async def _pump(self, stream: FallbackStream, writer: AnswerWriter,
                    running: RunningAnswer, outcome: Outcome) -> int | None:
        """Feed pieces to the writer until the end, an error, a stop, or a lost chat."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        parts: list[str] = []
        first_piece_ms: list[int] = []

        async def consume() -> None:
            async for event in stream:
                if not isinstance(event, TextPiece):
                    continue  # reasoning, usage and finish are not shown yet
                piece = event.text
                if not parts:
                    first_piece_ms.append(round((loop.time() - started) * 1000))
                parts.append(piece)
                writer.append(piece)
                if writer.abandoned:
                    return

        consumer = asyncio.create_task(consume())
        stopper = asyncio.create_task(running.stopped.wait())
        try:
            await asyncio.wait({consumer, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            consumer.cancel()
            stopper.cancel()
            results = await asyncio.gather(consumer, stopper, return_exceptions=True)
            await stream.aclose()
            outcome.text = "".join(parts)
        ending = results[0]
        if isinstance(ending, ProviderError):
            outcome.error = ending
        elif isinstance(ending, asyncio.CancelledError):
            outcome.stop_reason = running.reason
        elif isinstance(ending, BaseException):
            raise ending
        return first_piece_ms[0] if first_piece_ms else None

    async def _store(self, answer_id: int, outcome: Outcome, telegram_id: int | None, *,
                     health: Health | None = None) -> None:
        """The answer's final state, and its providers' health, in one transaction."""
        error = str(outcome.error)[:500] if outcome.error else None
        if outcome.stop_reason is StopReason.SHUTDOWN:
            error = "the bot was stopping"
        async with self._sessions() as session, session.begin():
            await MessageRepository(session).finish(
                answer_id, text=outcome.text, status=MessageStatus(outcome.status), error=error,
                telegram_message_id=telegram_id, provider=outcome.provider, model=outcome.model)
            if health is not None:
                await record_health(ProviderStateRepository(session), *health)


def _status(outcome: Outcome, writer: AnswerWriter) -> str:
    if outcome.stop_reason is StopReason.USER:
        return MessageStatus.STOPPED
    if outcome.stop_reason is StopReason.SHUTDOWN or writer.abandoned:
        return MessageStatus.INTERRUPTED
    if outcome.error is not None:
        return MessageStatus.INTERRUPTED if outcome.text else MessageStatus.FAILED
    return MessageStatus.COMPLETE


def _history_item(message: Message) -> HistoryItem:
    return HistoryItem(id=message.id, role=message.role, text=message.text,
                       status=message.status, author_name=message.author_name,
                       reply_to_id=message.reply_to_id)
