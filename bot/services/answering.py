"""The answer service: takes questions, runs their answers, hands work back on shutdown.

Each answer's life belongs to :class:`~bot.services.answer_unit.AnswerUnit`;
this service stores questions (after the daily budget), keeps every answer's
task, and on shutdown lets answers finish, then stops the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.coordination.base import ChatKey, StopReason
from bot.services.answer_unit import AnswerParts, AnswerUnit
from bot.services.questions import AnswerJob, Question
from bot.streaming.base import ChatTarget
from bot.texts import t

log = logging.getLogger(__name__)

_STOPPING_SECONDS = 2.0  # for stopped answers to store what they showed, at least


class AnswerService:
    """Takes questions, runs one answer unit per question, and hands work back on shutdown."""

    def __init__(self, parts: AnswerParts) -> None:
        self._parts = parts
        self._unit = AnswerUnit(parts, closing=lambda: self._closing)
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    @property
    def tasks(self) -> frozenset[asyncio.Task[None]]:
        """The service's tasks alive now (answer units waiting, writing or delivering)."""
        return frozenset(self._tasks)

    async def ask(self, question: Question, *, budget_exempt: bool = False) -> bool:
        """Store a question and start answering it; False when it was answered before."""
        if not budget_exempt and (notice_text := await self._over_budget(question)):
            await self._parts.streamer.say(question.target, notice_text)
            return True
        question_id = await self._parts.records.store_question(question)
        if question_id is None:
            return False
        self.start(AnswerJob(question_id, question.key, question.author_id, question.language,
                             question.target))
        return True

    async def retry(self, key: ChatKey, asker_id: int, language: str,
                    target: ChatTarget) -> bool:
        """Answer the conversation's last question again; False when there is none."""
        question_id = await self._parts.records.last_question(key)
        if question_id is None:
            return False
        self.start(AnswerJob(question_id, key, asker_id, language, target))
        return True

    def start(self, job: AnswerJob) -> None:
        """Run the answer unit for ``job`` in the background (the service keeps the task)."""
        self._spawn(self._unit.run(job), name=f"answer-{job.question_id}")

    async def shutdown(self, grace: float) -> None:
        """Stop taking up questions; give answers ``grace`` seconds, then stop the rest.

        A question still waiting for its turn stays pending (it is answered by
        the next start, or by another worker); an answer stopped here says the
        bot is restarting, and its question is handed back the same way.
        """
        self._closing = True
        if self._tasks and grace > 0:
            await asyncio.wait(set(self._tasks), timeout=grace)
        if self._parts.turns.stop_local(StopReason.SHUTDOWN) and self._tasks:
            # Stopped answers store what was shown and say so; that takes a moment.
            await asyncio.wait(set(self._tasks), timeout=_STOPPING_SECONDS)
        for task in set(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """Stop at once: whatever still runs is stopped (and handed back), then cancelled."""
        await self.shutdown(grace=0)

    async def _over_budget(self, question: Question) -> str | None:
        limit = self._parts.limits.daily_tokens
        if limit <= 0:
            return None
        now = datetime.now(UTC)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if await self._parts.records.tokens_since(question.author_id, midnight) < limit:
            return None
        left = midnight + timedelta(days=1) - now
        hours, minutes = divmod(int(left.total_seconds()) // 60, 60)
        return t("budget_reached", question.language, limit=limit, hours=hours, minutes=minutes)

    def _spawn(self, work: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("%s failed", task.get_name(), exc_info=error)
