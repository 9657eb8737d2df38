"""The answer service: one unit owns an answer's life, from the question to the delivery.

turn → prepare → stream → store → deliver, inside one ``try``/``finally``
that always stores what the user saw, whatever fails (a provider, Telegram,
the database, a shutdown). The conversation's turn is released as soon as the
answer is stored: a 429 window that holds its last text never holds the
chat's next question, whose messages then follow in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock, LoopClock, wait_event
from bot.coordination.base import ChatKey, RunningAnswer, StopReason, TurnBusy, Turns
from bot.services.images import ContextImages
from bot.services.notices import notice
from bot.services.outcome import Ending, Outcome, Usage
from bot.services.providers import NoProviderEnabled, ProviderControl
from bot.services.questions import AnswerJob, Question
from bot.services.reading import read_answer
from bot.services.records import AnswerRecords, Prepared
from bot.streaming import Decor, Delivery, StopButton, Streamer
from bot.streaming.base import AnswerWriter, ChatTarget
from bot.texts import t
from providers.errors import ProviderError
from providers.fallback import FallbackStream
from providers.usage import IMAGE_TOKENS, estimate_prompt_tokens, estimate_tokens

log = logging.getLogger(__name__)

STOP_CALLBACK = "stop"
# How stale the text a crash leaves on screen may be in the database; the first
# checkpoint comes sooner, so even a short answer's message can be found after a crash.
CHECKPOINT_SECONDS = 5.0
FIRST_CHECKPOINT_SECONDS = 0.5
_STOPPING_SECONDS = 2.0  # for stopped answers to store what they showed, at least
_TOLD_CHATS = 10_000  # chats remembered as told their model cannot see images


@dataclass(frozen=True, slots=True)
class AnswerLimits:
    """Operator limits on answers (``ANSWER_MAX_CHARS``, ``DAILY_TOKEN_LIMIT``, …)."""

    max_chars: int = 32_000
    daily_tokens: int = 0  # per user per UTC day; 0: none
    max_output_tokens: int | None = None
    show_reasoning: bool = False


class AnswerObserver(Protocol):
    """Where an answer's figures go (the metrics)."""

    def answer(self, outcome: str, provider: str, seconds: float) -> None:
        """An answer ended."""

    def first_piece(self, seconds: float) -> None:
        """The provider's first text arrived this long after the request."""

    def provider_error(self, provider: str, kind: str) -> None:
        """A provider failed."""


class AnswerService:
    """Takes questions, runs one answer unit per question, and hands work back on shutdown."""

    def __init__(self, records: AnswerRecords, control: ProviderControl, turns: Turns,
                 streamer: Streamer, limits: AnswerLimits, *, images: ContextImages | None = None,
                 observer: AnswerObserver | None = None, clock: Clock | None = None) -> None:
        self._records = records
        self._images = images or ContextImages(None)
        self._control = control
        self._turns = turns
        self._streamer = streamer
        self.limits = limits
        self._observer = observer
        self._clock = clock or LoopClock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._told: OrderedDict[ChatKey, None] = OrderedDict()  # told their model is blind

    @property
    def tasks(self) -> frozenset[asyncio.Task[None]]:
        """The service's tasks alive now (answer units waiting, writing or delivering)."""
        return frozenset(self._tasks)

    async def ask(self, question: Question, *, budget_exempt: bool = False) -> bool:
        """Store a question and start answering it; False when it was answered before."""
        if not budget_exempt and (notice_text := await self._over_budget(question)):
            await self._streamer.say(question.target, notice_text)
            return True
        question_id = await self._records.store_question(question)
        if question_id is None:
            return False
        self.start(AnswerJob(question_id, question.key, question.author_id, question.language,
                             question.target))
        return True

    async def retry(self, key: ChatKey, asker_id: int, language: str,
                    target: ChatTarget) -> bool:
        """Answer the conversation's last question again; False when there is none."""
        question_id = await self._records.last_question(key)
        if question_id is None:
            return False
        self.start(AnswerJob(question_id, key, asker_id, language, target))
        return True

    def start(self, job: AnswerJob) -> None:
        """Run the answer unit for ``job`` in the background (the service keeps the task)."""
        self._spawn(self._answer(job), name=f"answer-{job.question_id}")

    async def shutdown(self, grace: float) -> None:
        """Stop taking up questions; give answers ``grace`` seconds, then stop the rest.

        A question still waiting for its turn stays pending (it is answered by
        the next start, or by another worker); an answer stopped here says the
        bot is restarting, and its question is handed back the same way.
        """
        self._closing = True
        if self._tasks and grace > 0:
            await asyncio.wait(set(self._tasks), timeout=grace)
        if self._turns.stop_local(StopReason.SHUTDOWN) and self._tasks:
            # Stopped answers store what was shown and say so; that takes a moment.
            await asyncio.wait(set(self._tasks), timeout=max(grace, _STOPPING_SECONDS))
        for task in set(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """Stop at once: whatever still runs is stopped (and handed back), then cancelled."""
        await self.shutdown(grace=0)

    # -- one answer ---------------------------------------------------------------------

    async def _answer(self, job: AnswerJob) -> None:
        try:
            async with self._turns.turn(job.key, asker_id=job.asker_id) as running:
                if self._closing:
                    return  # the question stays pending: it is answered after the restart
                delivery = await self._write(job, running)
        except TurnBusy:
            await self._guarded(self._records.decline(job.question_id), "declining a question")
            await self._streamer.say(job.target, t("busy", job.language))
            return
        await delivery  # outside the turn: a 429 window may keep the last text a while

    async def _write(self, job: AnswerJob, running: RunningAnswer) -> Awaitable[None]:
        writer = self._streamer.open(job.target, decor=self._decor(job.language))
        outcome = Outcome()
        prepared: Prepared | None = None
        failures: list[ProviderError] = []
        started = self._clock.now()
        try:
            prepared = await self._records.prepare(job.question_id)
            if prepared is not None:
                failures = await self._stream(prepared, writer, running, outcome)
                outcome.ending = _ending(outcome, running, writer)
                outcome.blind = prepared.photos and self._first_blind(job.key, outcome)
        except NoProviderEnabled:
            outcome.ending = Ending.NO_PROVIDER
            await self._guarded(self._records.decline(job.question_id), "declining a question")
        except asyncio.CancelledError:
            outcome.ending = Ending.SHUTDOWN
            raise
        except Exception:  # the boundary of one answer: logged here, an apology shown
            log.exception("the answer to question %s failed", job.question_id)
            outcome.ending = Ending.BROKEN
        finally:
            outcome.seconds = self._clock.now() - started
            _count_tokens(outcome, prepared)
            reasoning = outcome.reasoning if self.limits.show_reasoning else None
            finished = writer.finish(notice(outcome, job.language,
                                            max_chars=self.limits.max_chars),
                                     reasoning=reasoning)
            if prepared is not None:
                await _unstoppable(self._guarded(
                    self._records.finish(job.question_id, prepared.answer_id, outcome, failures),
                    "storing an answer"))
            self._observe(outcome, failures)
        return self._deliver(writer, finished, prepared.answer_id if prepared else None)

    async def _stream(self, prepared: Prepared, writer: AnswerWriter, running: RunningAnswer,
                      outcome: Outcome) -> list[ProviderError]:
        outcome.provider, outcome.model = prepared.choice.provider, prepared.choice.model
        attempts = self._control.attempts(prepared.choice)
        messages = await self._images.messages(
            prepared.context, see=any(a.provider.supports_images for a in attempts))
        stream = FallbackStream(attempts, messages, max_tokens=self.limits.max_output_tokens)
        done = asyncio.Event()
        checkpoints = self._spawn(self._checkpoints(prepared.answer_id, writer, done),
                                  name="answer-checkpoints")
        try:
            await read_answer(stream, writer, running, outcome,
                              max_chars=self.limits.max_chars, clock=self._clock)
        finally:
            # Not cancelled: a checkpoint committed after the final store would undo it.
            done.set()
            await asyncio.wait([checkpoints])
        return list(stream.failures)

    async def _checkpoints(self, answer_id: int, writer: AnswerWriter,
                           done: asyncio.Event) -> None:
        """Now and then, note what the answer's live message shows (for crash recovery)."""
        noted = None
        while not await wait_event(self._clock, done,
                                   CHECKPOINT_SECONDS if noted else FIRST_CHECKPOINT_SECONDS):
            live = writer.live()
            if live is not None and live != noted \
                    and await self._guarded(self._records.checkpoint(answer_id, live),
                                            "a checkpoint"):
                noted = live

    async def _deliver(self, writer: AnswerWriter, finished: Awaitable[Delivery],
                       answer_id: int | None) -> None:
        try:
            delivery = await finished
        finally:
            await writer.close()
        if answer_id is not None:
            await self._guarded(self._records.delivered(answer_id, delivery.message_ids),
                                "noting a delivery")

    def _first_blind(self, key: ChatKey, outcome: Outcome) -> bool:
        """Photos went to a model that cannot see: true the first time in this chat."""
        provider = outcome.provider
        if provider is None or provider not in self._control.registry \
                or self._control.registry.get(provider).supports_images or key in self._told:
            return False
        self._told[key] = None
        while len(self._told) > _TOLD_CHATS:
            self._told.popitem(last=False)
        return True

    async def _over_budget(self, question: Question) -> str | None:
        limit = self.limits.daily_tokens
        if limit <= 0:
            return None
        now = datetime.now(UTC)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if await self._records.tokens_since(question.author_id, midnight) < limit:
            return None
        left = midnight + timedelta(days=1) - now
        hours, minutes = divmod(int(left.total_seconds()) // 60, 60)
        return t("budget_reached", question.language, limit=limit, hours=hours, minutes=minutes)

    def _decor(self, language: str) -> Decor:
        return Decor(stop_button=StopButton(t("stop_button", language), STOP_CALLBACK),
                     thinking=t("thinking", language))

    def _observe(self, outcome: Outcome, failures: list[ProviderError]) -> None:
        if self._observer is None:
            return
        provider = outcome.provider or "-"
        self._observer.answer(outcome.ending.value, provider, outcome.seconds)
        if outcome.first_piece_seconds is not None:
            self._observer.first_piece(outcome.first_piece_seconds)
        for failure in [*failures, *([outcome.error] if outcome.error else [])]:
            self._observer.provider_error(failure.provider or provider, failure.kind)

    def _spawn(self, work: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("%s failed", task.get_name(), exc_info=error)

    @staticmethod
    async def _guarded(work: Awaitable[object], what: str) -> bool:
        """Run a database step whose failure must not cost the user the answer."""
        try:
            await work
        except (SQLAlchemyError, OSError):
            log.exception("%s failed", what)
            return False
        return True


def _ending(outcome: Outcome, running: RunningAnswer, writer: AnswerWriter) -> Ending:
    if running.reason is StopReason.USER:
        return Ending.STOPPED
    if running.reason is StopReason.SHUTDOWN:
        return Ending.SHUTDOWN
    if writer.abandoned:
        return Ending.GONE
    if outcome.error is not None:
        return Ending.INTERRUPTED if outcome.text else Ending.FAILED
    if outcome.ending is Ending.CUT:
        return Ending.CUT
    if not outcome.text.strip():
        return Ending.EMPTY
    return {"length": Ending.LENGTH, "content_filter": Ending.FILTERED}.get(
        outcome.finish_reason or "", Ending.COMPLETE)


def _count_tokens(outcome: Outcome, prepared: Prepared | None) -> None:
    """Servers that report no usage get an estimate, marked as such."""
    if outcome.usage is None and prepared is not None:
        prompt = estimate_prompt_tokens(turn.message for turn in prepared.context)
        prompt += IMAGE_TOKENS * sum(len(turn.photos) for turn in prepared.context)
        outcome.usage = Usage(prompt, estimate_tokens(outcome.text + outcome.reasoning),
                              estimated=True)


async def _unstoppable(work: Awaitable[object]) -> None:
    """Finish ``work`` even when the caller is cancelled meanwhile (then re-raise)."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        raise
