"""One answer's life, from the conversation's turn to the last message delivered.

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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.coordination.base import (
    ChatKey,
    CoordinationError,
    RunningAnswer,
    StopReason,
    TurnBusy,
    Turns,
)
from bot.db import AttachmentKind
from bot.media import Intake, MediaError
from bot.services.checkpoints import checkpoints
from bot.services.images import ContextImages
from bot.services.notices import media_failure, notice
from bot.services.outcome import Ending, Outcome, Usage
from bot.services.providers import NoProviderEnabled, ProviderControl
from bot.services.questions import AnswerJob
from bot.services.reading import read_answer
from bot.services.records import AnswerRecords, Prepared
from bot.streaming import Decor, Delivery, StopButton, Streamer
from bot.streaming.base import AnswerWriter
from bot.texts import t
from providers.errors import AllProvidersFailed, ProviderError
from providers.fallback import FallbackStream
from providers.usage import IMAGE_TOKENS, estimate_prompt_tokens, estimate_tokens

log = logging.getLogger(__name__)

STOP_CALLBACK = "stop"
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


@dataclass(frozen=True, slots=True)
class AnswerParts:
    """What every answer uses: storage, providers, Telegram, images, limits, time, figures."""

    records: AnswerRecords
    control: ProviderControl
    turns: Turns
    streamer: Streamer
    images: ContextImages
    limits: AnswerLimits
    clock: Clock
    observer: AnswerObserver | None = None
    files: Intake | None = None  # reads documents and recordings (None: photos only)


@dataclass(frozen=True, slots=True)
class _Written:
    """An answer stored and on its way to Telegram."""

    writer: AnswerWriter
    finished: Awaitable[Delivery]
    answer_id: int | None


class AnswerUnit:
    """Runs answers (see the module docstring); one instance serves every answer."""

    def __init__(self, parts: AnswerParts, *, closing: Callable[[], bool]) -> None:
        self._parts = parts
        self._closing = closing
        self._told: OrderedDict[ChatKey, None] = OrderedDict()  # told their model is blind

    async def run(self, job: AnswerJob) -> None:
        """Answer ``job``'s question (or say the chat is busy)."""
        parts = self._parts
        try:
            async with parts.turns.turn(job.key, asker_id=job.asker_id) as running:
                if self._closing():
                    return  # the question stays pending: it is answered after the restart
                if not await self._read_files(job):
                    return  # a file could not be read: the user was told why
                written = await self._write(job, running)
        except TurnBusy:
            await guarded(parts.records.decline(job.question_id), "declining a question")
            await parts.streamer.say(job.target, t("busy", job.language))
            return
        except CoordinationError:  # the shared store failed: say so rather than go quiet
            log.exception("question %s: the conversation's turn could not be taken",
                          job.question_id)
            await guarded(parts.records.decline(job.question_id), "declining a question")
            await parts.streamer.say(job.target, t("apology", job.language))
            return
        await self._deliver(written)  # outside the turn: a 429 window may hold the last text

    async def _read_files(self, job: AnswerJob) -> bool:
        """Read the question's documents and recordings (once); False if one cannot be read.

        In the conversation's turn, so answers keep the order of the questions; a
        recording's transcript is shown (🎤) before the answer.
        """
        parts = self._parts
        try:
            unread = await parts.records.unread_files(job.question_id)
        except SQLAlchemyError:
            log.exception("question %s: its files could not be looked up", job.question_id)
            unread = []
        if not unread or parts.files is None:
            return True
        limit = f"{parts.files.limits.document_max_chars:,}".replace(",", " ")
        for attachment_id, record in unread:
            try:
                done = await parts.files.read(
                    record, cut_note=t("document_cut", job.language, limit=limit))
            except MediaError as exc:
                log.info("question %s: a file could not be used (%s)", job.question_id, exc.kind)
                await guarded(parts.records.decline(job.question_id), "declining a question")
                await parts.streamer.say(job.target, media_failure(exc, job.language))
                return False
            await guarded(parts.records.file_read(attachment_id, done), "storing a file's text")
            if done.kind == AttachmentKind.VOICE and done.text:
                await parts.streamer.say(job.target, t("heard", job.language, text=done.text))
        return True

    async def _write(self, job: AnswerJob, running: RunningAnswer) -> _Written:
        writer = self._parts.streamer.open(job.target, decor=self._decor(job.language))
        outcome = Outcome()
        prepared: Prepared | None = None
        failures: list[ProviderError] = []
        started = self._parts.clock.now()
        try:
            prepared = await self._parts.records.prepare(job.question_id)
            if prepared is None:
                outcome.ending = Ending.GONE  # the question is gone (its chat was deleted)
            else:
                if prepared.chat_id != job.target.chat_id:  # became a supergroup meanwhile
                    self._parts.streamer.moved(job.target.chat_id, prepared.chat_id)
                failures = await self._stream(prepared, writer, running, outcome)
                outcome.ending = _ending(outcome, writer)
                outcome.blind = prepared.photos and self._first_blind(job.key, outcome)
        except NoProviderEnabled:
            outcome.ending = Ending.NO_PROVIDER
            await guarded(self._parts.records.decline(job.question_id), "declining a question")
        except asyncio.CancelledError:
            outcome.ending = Ending.SHUTDOWN
            raise
        except Exception:  # the boundary of one answer: logged here, an apology shown
            log.exception("the answer to question %s failed", job.question_id)
            outcome.ending = Ending.BROKEN
            if prepared is None:  # the user is told; the question is not asked again later
                await guarded(self._parts.records.decline(job.question_id),
                              "declining a question")
        finally:
            outcome.seconds = self._parts.clock.now() - started
            _count_tokens(outcome, prepared)
            finished = writer.finish(self._notice(outcome, job.language),
                                     reasoning=outcome.reasoning
                                     if self._parts.limits.show_reasoning else None)
            if prepared is not None:
                stored = self._parts.records.finish(job.question_id, prepared.answer_id,
                                                    outcome, failures)
                await _unstoppable(guarded(stored, "storing an answer"))
            self._observe(outcome, failures)
        return _Written(writer, finished, prepared.answer_id if prepared else None)

    async def _stream(self, prepared: Prepared, writer: AnswerWriter, running: RunningAnswer,
                      outcome: Outcome) -> list[ProviderError]:
        outcome.provider, outcome.model = prepared.choice.provider, prepared.choice.model
        attempts = self._parts.control.attempts(prepared.choice)
        messages = await self._parts.images.messages(
            prepared.context, see=any(a.provider.supports_images for a in attempts))
        limits = self._parts.limits
        stream = FallbackStream(attempts, messages, max_tokens=limits.max_output_tokens)
        async with checkpoints(self._parts.records, prepared.answer_id, writer,
                               self._parts.clock):
            await read_answer(stream, writer, running, outcome,
                              max_chars=self._parts.limits.max_chars, clock=self._parts.clock)
        return list(stream.failures)

    async def _deliver(self, written: _Written) -> None:
        try:
            delivery = await written.finished
        finally:
            await written.writer.close()
        if written.answer_id is not None:
            await guarded(self._parts.records.delivered(written.answer_id, delivery.message_ids),
                                "noting a delivery")

    def _first_blind(self, key: ChatKey, outcome: Outcome) -> bool:
        """Photos went to a model that cannot see: true the first time in this chat."""
        provider = outcome.provider
        if provider is None or key in self._told \
                or self._parts.control.registry.get(provider).supports_images:
            return False
        self._told[key] = None
        while len(self._told) > _TOLD_CHATS:
            self._told.popitem(last=False)
        return True

    def _notice(self, outcome: Outcome, language: str) -> str | None:
        """The line under the answer; an apology if even that fails (the writer must finish)."""
        try:
            return notice(outcome, language, max_chars=self._parts.limits.max_chars)
        except Exception:  # a broken text must not leave the chat's writer open forever
            log.exception("the notice for an answer failed")
            return None

    def _decor(self, language: str) -> Decor:
        return Decor(stop_button=StopButton(t("stop_button", language), STOP_CALLBACK),
                     thinking=t("thinking", language))

    def _observe(self, outcome: Outcome, failures: list[ProviderError]) -> None:
        if self._parts.observer is None:
            return
        provider = outcome.provider or "-"
        self._parts.observer.answer(outcome.ending.value, provider, outcome.seconds)
        if outcome.first_piece_seconds is not None:
            self._parts.observer.first_piece(outcome.first_piece_seconds)
        # A single attempt's error is also its failure; "all failed" sums the failures.
        errors = list(failures)
        if outcome.error is not None and outcome.error not in errors \
                and not isinstance(outcome.error, AllProvidersFailed):
            errors.append(outcome.error)
        for failure in errors:
            self._parts.observer.provider_error(failure.provider or provider, failure.kind)



async def guarded(work: Awaitable[object], what: str) -> bool:
    """Run a database step whose failure must not cost the user the answer."""
    try:
        await work
    except (SQLAlchemyError, OSError):
        log.exception("%s failed", what)
        return False
    return True


def _ending(outcome: Outcome, writer: AnswerWriter) -> Ending:
    # A stop that came after the provider finished changes nothing: the answer is whole.
    if outcome.stop_reason is StopReason.USER:
        return Ending.STOPPED
    if outcome.stop_reason is StopReason.SHUTDOWN:
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
    """Servers that report no usage get an estimate, marked as such.

    Nothing is charged for an answer that produced nothing (a failed provider,
    a stop before the first word): budgets pay for answers, not for outages.
    """
    if outcome.usage is None and prepared is not None and (outcome.text or outcome.reasoning):
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
