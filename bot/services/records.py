"""What the answer service stores, each step in a short transaction of its own.

No session is open while a provider streams: a question is stored, an answer
is prepared (context read, placeholder written), checkpointed now and then,
and finished — each in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.coordination.base import ChatKey
from bot.db import (
    AttachmentKind,
    AttachmentRecord,
    AttachmentRepository,
    Chat,
    ChatRepository,
    Message,
    MessageRepository,
    MessageRole,
    MessageStatus,
    ProviderStateRepository,
    Sessions,
    TokenCount,
)
from bot.services.context import ContextBudget, ContextTurn, HistoryItem, build_context
from bot.services.outcome import Ending, Outcome
from bot.services.providers import ProviderControl, record_health
from bot.services.questions import Question
from bot.streaming.base import LiveMessage
from providers.errors import ProviderError
from providers.registry import Choice

# Rows read beyond the budget: room for failed turns and waiting questions the context skips.
_SPARE_ROWS = 16


@dataclass(frozen=True, slots=True)
class Prepared:
    """An answer ready to stream: its placeholder row, the context, the provider to ask."""

    answer_id: int
    context: list[ContextTurn]
    choice: Choice
    chat_id: int  # the question's chat now (it may have become a supergroup meanwhile)

    @property
    def photos(self) -> bool:
        """Whether the question brings photos."""
        return bool(self.context and self.context[-1].photos)


class AnswerRecords:
    """Stores questions and the life of their answers; owns every transaction it opens."""

    def __init__(self, db: Sessions, control: ProviderControl, budget: ContextBudget,
                 worker_id: str) -> None:
        self._db = db
        self._control = control
        self._budget = budget
        self._worker = worker_id

    async def store_question(self, question: Question) -> int | None:
        """Store the user's message, pending, before anything else can fail; its id.

        None when this Telegram message is stored already: Telegram redelivers
        updates a crashed process never confirmed, and one question gets one answer.
        """
        async with self._db.write() as session, session.begin():
            chat = await ChatRepository(session).get_or_create(
                question.key.chat_id, question.key.thread_id,
                chat_type=question.chat_type, title=question.chat_title)
            messages = MessageRepository(session)
            if await messages.find_question(chat, question.message_id) is not None:
                return None
            message = await messages.add(
                chat, role=MessageRole.USER, text=question.text, status=MessageStatus.PENDING,
                author_id=question.author_id, author_name=question.author_name,
                telegram_message_id=question.message_id, worker=self._worker,
                language=question.language)
            if question.attachments:
                await AttachmentRepository(session).add(message.id, question.attachments)
            return message.id

    async def decline(self, question_id: int) -> None:
        """The bot was busy: the question stays stored but is never answered or sent again."""
        async with self._db.write() as session, session.begin():
            await MessageRepository(session).set_status(question_id, MessageStatus.DECLINED)

    async def unread_files(self, question_id: int) -> list[tuple[int, AttachmentRecord]]:
        """The question's documents and recordings not read yet (with their row ids)."""
        async with self._db.read() as session:
            return await AttachmentRepository(session).unread(question_id)

    async def file_read(self, attachment_id: int, record: AttachmentRecord) -> None:
        """Store what a file says, once read (a document's block, a transcript)."""
        assert record.text is not None
        async with self._db.write() as session, session.begin():
            await AttachmentRepository(session).read(attachment_id, text=record.text,
                                                     name=record.name)

    async def last_question(self, key: ChatKey) -> int | None:
        """The id of the newest question taken up in the current conversation (for /retry)."""
        async with self._db.read() as session:
            chat = await ChatRepository(session).get(key.chat_id, key.thread_id)
            if chat is None:
                return None
            message = await MessageRepository(session).last_question(chat)
            return message.id if message else None

    async def prepare(self, question_id: int) -> Prepared | None:
        """Build the context and store the answer's placeholder; None if the question is gone.

        The context is the question's own conversation up to the question, so a
        question that waited while /reset arrived is still answered with itself
        and what it was asked after. Asking again for a question answered
        before is a /retry: the new answer replaces the old one in later contexts.
        """
        async with self._db.write() as session, session.begin():
            messages = MessageRepository(session)
            question = await messages.get(question_id)
            chat = await session.get(Chat, question.chat_pk) if question else None
            if question is None or chat is None:
                return None
            if not await messages.take(question_id, worker=self._worker):
                return None  # another worker took it over (this one looked dead for a while)
            limit = self._budget.max_messages + _SPARE_ROWS
            stored = await messages.recent(chat, limit=limit, conversation=question.conversation)
            if all(m.id != question_id for m in stored):
                stored.append(question)
            choice = self._control.choice_for(chat.provider, chat.model)
            attachments = await AttachmentRepository(session).of(
                m.id for m in stored if m.role == MessageRole.USER.value)
            context = build_context(
                [_history_item(m, attachments.get(m.id, [])) for m in stored], question_id,
                system_prompt=chat.system_prompt, budget=self._budget,
                group=chat.chat_type != "private")
            placeholder = await messages.add(
                chat, role=MessageRole.ASSISTANT, text="", status=MessageStatus.STREAMING,
                reply_to_id=question_id, provider=choice.provider, model=choice.model,
                conversation=question.conversation, author_id=question.author_id,
                worker=self._worker, language=question.language)
            return Prepared(placeholder.id, context, choice, chat.chat_id)

    async def checkpoint(self, answer_id: int, live: LiveMessage) -> None:
        """Remember where a streaming answer grows and what it shows (for crash recovery)."""
        async with self._db.write() as session, session.begin():
            await MessageRepository(session).checkpoint(
                answer_id, live_message_id=live.message_id, live_text=live.text,
                first_message_id=live.first_message_id, text=live.answer_text)

    async def finish(self, question_id: int, answer_id: int, outcome: Outcome,
                     failures: list[ProviderError]) -> None:
        """Store how the answer ended and its providers' health, in one transaction.

        An answer cut short by a stopping process hands its question back
        (pending), so a worker that stays, or the next start, answers it.
        """
        tokens = None
        if outcome.usage is not None:
            tokens = TokenCount(outcome.usage.prompt_tokens, outcome.usage.completion_tokens,
                                outcome.usage.estimated)
        async with self._db.write() as session, session.begin():
            messages = MessageRepository(session)
            await messages.finish(
                answer_id, text=outcome.text, status=outcome.ending.status,
                error=_error_note(outcome), provider=outcome.provider, model=outcome.model,
                tokens=tokens)
            if outcome.ending is Ending.SHUTDOWN:
                await messages.set_status(question_id, MessageStatus.PENDING)
            answered = outcome.provider if outcome.text and outcome.error is None else None
            first_ms = (round(outcome.first_piece_seconds * 1000)
                        if outcome.first_piece_seconds is not None else None)
            await record_health(ProviderStateRepository(session), answered, first_ms, failures)

    async def tokens_since(self, author_id: int, since: datetime) -> int:
        """Tokens the answers to one person cost since ``since`` (for DAILY_TOKEN_LIMIT)."""
        async with self._db.read() as session:
            return await MessageRepository(session).tokens_since(author_id, since)

    async def delivered(self, answer_id: int, message_ids: list[int]) -> None:
        """The answer is on screen (or never will be): forget its live message."""
        async with self._db.write() as session, session.begin():
            await MessageRepository(session).delivered(
                answer_id, message_ids[0] if message_ids else None)


def _error_note(outcome: Outcome) -> str | None:
    if outcome.error is not None:
        return str(outcome.error)[:500]
    if outcome.ending is Ending.SHUTDOWN:
        return "the bot was stopping"
    if outcome.ending is not Ending.COMPLETE and outcome.ending.status != MessageStatus.STOPPED:
        return str(outcome.ending.value)
    return None


def _history_item(message: Message, attachments: list[AttachmentRecord]) -> HistoryItem:
    def of(kind: AttachmentKind) -> tuple[AttachmentRecord, ...]:
        return tuple(a for a in attachments if a.kind == kind)

    return HistoryItem(id=message.id, role=message.role, text=message.text,
                       status=message.status, author_name=message.author_name,
                       reply_to_id=message.reply_to_id, photos=of(AttachmentKind.PHOTO),
                       documents=tuple(a.text for a in of(AttachmentKind.DOCUMENT) if a.text),
                       heard=tuple(a.text for a in of(AttachmentKind.VOICE) if a.text))
