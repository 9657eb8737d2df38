"""Taking over what a dead worker (or this process's previous run) left behind.

A worker that dies mid-answer leaves the answer ``streaming`` with a Stop
button on screen, and questions it had accepted ``pending``. Whoever sweeps
next — the next start, or, with several workers, any worker now and then —
marks such answers interrupted and edits their message to say so, and answers
the pending questions. Compare-and-set updates make sure one sweeper takes each.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.coordination.base import ChatKey, Workers
from bot.db import Chat, ChatRepository, Message, MessageRepository, Sessions
from bot.services.answering import AnswerService
from bot.services.questions import AnswerJob, answer_target
from bot.texts import t

log = logging.getLogger(__name__)

# Telegram itself redelivers unconfirmed updates for a day; a pending question older than
# that is not worth answering any more.
PENDING_MAX_AGE = timedelta(hours=24)

# Edits one message to the given text without buttons; False when Telegram refused.
CloseMessage = Callable[[int, int, str], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Swept:
    """What one sweep took over."""

    interrupted: int = 0
    resumed: int = 0


class Recovery:
    """Sweeps orphaned answers and pending questions; see the module docstring."""

    def __init__(self, db: Sessions, workers: Workers, answers: AnswerService,
                 close_message: CloseMessage) -> None:
        self._db = db
        self._workers = workers
        self._answers = answers
        self._close_message = close_message

    async def sweep(self) -> Swept:
        """Take over everything whose worker is gone; returns what was taken."""
        since = datetime.now(UTC) - PENDING_MAX_AGE
        async with self._db.write() as session, session.begin():
            if stale := await MessageRepository(session).decline_stale(since):
                log.info("gave up %d questions that waited more than a day", stale)
        async with self._db.read() as session:
            messages = MessageRepository(session)
            streaming, pending = await messages.streaming(), await messages.pending(since=since)
            chats = await ChatRepository(session).by_ids(
                {m.chat_pk for m in [*streaming, *pending]})
        holders = {m.worker for m in [*streaming, *pending] if m.worker is not None}
        alive = await self._workers.alive(holders)
        interrupted = resumed = 0
        for answer in streaming:
            if answer.worker not in alive and await self._interrupt(answer, chats):
                interrupted += 1
        for question in pending:
            if question.worker not in alive and await self._resume(question, chats):
                resumed += 1
        if interrupted or resumed:
            log.warning("took over %d interrupted answers and %d waiting questions",
                        interrupted, resumed)
        return Swept(interrupted, resumed)

    async def _interrupt(self, answer: Message, chats: dict[int, Chat]) -> bool:
        async with self._db.write() as session, session.begin():
            taken = await MessageRepository(session).interrupt(
                answer.id, held_by=answer.worker, error="the bot stopped while answering")
        chat = chats.get(answer.chat_pk)
        if taken and chat is not None and answer.live_message_id is not None:
            note = t("footer_crashed", answer.language or "en")
            text = f"{answer.live_text}\n\n{note}" if answer.live_text else note
            await self._close_message(chat.chat_id, answer.live_message_id, text)
        return taken

    async def _resume(self, question: Message, chats: dict[int, Chat]) -> bool:
        chat = chats.get(question.chat_pk)
        if chat is None:
            return False
        async with self._db.write() as session, session.begin():
            taken = await MessageRepository(session).claim(
                question.id, held_by=question.worker, worker=self._workers.worker_id)
        if taken:
            key = ChatKey(chat.chat_id, chat.thread_id)
            self._answers.start(AnswerJob(
                question.id, key, question.author_id or chat.chat_id, question.language or "en",
                answer_target(key, chat.chat_type, question.telegram_message_id)))
        return taken

