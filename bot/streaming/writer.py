"""The stream writer: one background task renders one growing answer into one chat.

``append`` only records text and wakes the task, so reading the provider is
never slowed by Telegram. The task makes every Telegram call, one per turn of
the chat's pace (and a bot-wide slot), always with the latest text; which call
comes next is decided by :class:`~bot.streaming.plan.AnswerPlan`, what a
failure means by :mod:`bot.streaming.calls`, and the reaction to it by
:meth:`StreamWriter._handle`. The first text waits for a whole word, at most
``first_word_wait`` after the first piece; "typing…" shows until then.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from types import TracebackType
from typing import Self

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.streaming.base import ChatTarget, Delivery, StopButton
from bot.streaming.calls import Outcome, Result
from bot.streaming.chat_action import type_until
from bot.streaming.clock import Clock, wait_event
from bot.streaming.config import StreamConfig
from bot.streaming.jobs import Destination, Job, perform
from bot.streaming.pacing import ChatPace, RateLimiter
from bot.streaming.plan import AnswerPlan

log = logging.getLogger(__name__)


class StreamWriter:
    """Renders one growing answer into one chat; implements :class:`AnswerWriter`."""

    def __init__(
        self,
        bot: Bot,
        target: ChatTarget,
        *,
        config: StreamConfig,
        clock: Clock,
        pace: ChatPace,
        limiter: RateLimiter,
        stop_button: StopButton | None,
        draft: bool,
        on_close: Callable[[StreamWriter], None],
    ) -> None:
        self._bot, self._target, self._chat_id = bot, target, target.chat_id
        self._config, self._clock, self._pace, self._limiter = config, clock, pace, limiter
        self._on_close: Callable[[StreamWriter], None] | None = on_close
        self._keyboard: InlineKeyboardMarkup | None = None
        if stop_button is not None:
            button = InlineKeyboardButton(
                text=stop_button.label, callback_data=stop_button.callback_data
            )
            self._keyboard = InlineKeyboardMarkup(inline_keyboard=[[button]])
        self.draft_id: int | None = secrets.randbelow(2**31 - 2) + 1 if draft else None
        self._plan = AnswerPlan(config.part_limit, draft=draft, keyboard=stop_button is not None)
        self._changed = asyncio.Event()
        self._first_shown = asyncio.Event()
        self._first_piece_at: float | None = None
        self._abandoned = False
        self._failing_since: float | None = None
        self._failures = 0
        self._closed = False
        typing = type_until(
            bot,
            target,
            shown=self._first_shown,
            pace=pace,
            limiter=limiter,
            clock=clock,
            every=config.typing_every,
            request_timeout=config.request_timeout,
            on_gone=self._abandon,
        )
        self._typing = asyncio.create_task(typing, name="stream-typing")
        self._task = asyncio.create_task(self._run(), name="stream-writer")
        # A finished answer frees its place in the streamer even if close() is forgotten.
        self._task.add_done_callback(lambda _: self._release())

    # -- the AnswerWriter interface ---------------------------------------------------------

    @property
    def abandoned(self) -> bool:
        """True once the chat cannot receive the answer: stop reading the provider."""
        return self._abandoned

    @property
    def mode(self) -> str:
        """``"draft"`` while native drafts are used, else ``"edit"``."""
        return "draft" if self._plan.use_draft else "edit"

    def append(self, piece: str) -> None:
        """Add a piece of text; returns at once (never raises, never waits for Telegram)."""
        if self._plan.finishing or self._abandoned or not piece:
            return
        if self._plan.answer.append(piece):
            self._first_piece_at = self._clock.now()
        self._changed.set()

    async def finish(self, footer: str | None = None) -> Delivery:
        """Deliver the complete text, formatted, with ``footer`` as a last plain line.

        Waits until Telegram has it (pacing and flood control still apply).
        Calling it again returns the same result; after ``close`` it is an error.
        """
        if self._closed:
            raise RuntimeError("finish() called on a closed writer")
        if not self._plan.finishing:
            self._plan.finish(footer)
            self._changed.set()
        return await asyncio.shield(self._task)

    async def close(self) -> None:
        """Stop the background work (idempotent); an unfinished answer stays as last shown."""
        if self._closed:
            return
        self._closed = True
        for task in (self._task, self._typing):
            task.cancel()
        results = await asyncio.gather(self._task, self._typing, return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                log.error("stream writer failed", exc_info=result)
        self._release()

    def _release(self) -> None:
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close(self)

    async def __aenter__(self) -> Self:
        """``async with streamer.open(...) as writer``: the writer closes on exit."""
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the writer (does not finish it)."""
        await self.close()

    # -- the background task ----------------------------------------------------------------

    async def _run(self) -> Delivery:
        try:
            while not self._abandoned:
                job = self._plan.next_job()
                if job is None:
                    if self._plan.finishing:
                        break
                    await self._changed.wait()
                    self._changed.clear()
                    continue
                if not job.final and not self._first_shown.is_set():
                    await self._await_first_word()
                await self._pace.wait_turn()
                await self._limiter.acquire()
                job = self._plan.next_job()  # the text grew while we waited: send the latest
                if job is None or self._abandoned:
                    continue
                await self._handle(job, await self._perform(job))
        finally:
            self._typing.cancel()
        return Delivery(message_ids=self._plan.message_ids(), delivered=not self._abandoned)

    async def _await_first_word(self) -> None:
        """Hold the first text until a whole word is there, but at most ``first_word_wait``."""
        start = self._first_piece_at if self._first_piece_at is not None else self._clock.now()
        deadline = start + self._config.first_word_wait
        while not (self._plan.answer.word_seen or self._plan.finishing or self._abandoned):
            left = deadline - self._clock.now()
            if left <= 0:
                return
            self._changed.clear()
            await wait_event(self._clock, self._changed, left)

    async def _perform(self, job: Job) -> Result[object]:
        destination = Destination(
            bot=self._bot,
            target=self._target,
            chat_id=self._chat_id,
            keyboard=self._keyboard,
            draft_id=self.draft_id,
            request_timeout=self._config.request_timeout,
        )
        reply = not self._plan.message_ids()  # only the first message replies to the question
        return await perform(job, destination, self._plan.message_id(job.index), reply)

    async def _handle(self, job: Job, result: Result[object]) -> None:
        """React to a call's outcome; the loop then picks the next job with the latest text."""
        outcome = result.outcome
        if outcome in (Outcome.OK, Outcome.NOT_MODIFIED):
            self._succeeded(job, result.value)
        elif outcome is Outcome.FLOOD:
            self._pace.on_flood(result.retry_after)
        elif outcome is Outcome.TRANSIENT:
            await self._back_off()
        elif outcome is Outcome.GONE:
            self._abandon(result.description)
        elif outcome is Outcome.MIGRATED and result.new_chat_id is not None:
            self._chat_id = result.new_chat_id
        elif outcome is Outcome.MISSING:  # deleted under us: continue in a new message
            self._plan.forget(job.index)
        elif job.kind == "draft":  # drafts refused here: stream by edits, remember it
            log.info("chat %s refused drafts (%s); using edits", self._chat_id, result.description)
            self._plan.use_draft = False
            self._pace.draft_refused = True
        elif job.rendered.entities:  # formatting refused: the same text, plain
            self._plan.downgrade(job.index)
        else:
            log.warning("telegram refused text for chat %s: %s", self._chat_id, result.description)
            self._succeeded(job, None)  # nothing else to try for this content; go on

    def _succeeded(self, job: Job, value: object) -> None:
        self._failing_since, self._failures = None, 0
        self._first_shown.set()
        self._plan.succeeded(job, value.message_id if isinstance(value, Message) else None)

    async def _back_off(self) -> None:
        now = self._clock.now()
        if self._failing_since is None:
            self._failing_since = now
        if now - self._failing_since >= self._config.network_give_up:
            self._abandon("Telegram unreachable")
            return
        config = self._config
        delay = min(config.network_backoff_max, config.network_backoff_initial * 2**self._failures)
        self._failures += 1
        await self._clock.sleep(delay)

    def _abandon(self, reason: str) -> None:
        if not self._abandoned:
            log.info("chat %s cannot receive the answer: %s", self._chat_id, reason)
        self._abandoned = True
        self._changed.set()
