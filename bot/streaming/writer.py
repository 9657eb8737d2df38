"""The stream writer: one background task renders one growing answer into one chat.

``append`` only records text and wakes the task; the task does every Telegram
call, one per turn of the chat's pace, always with the latest text:

* closed parts first, in order, with their final rendering (the answer's
  messages stay in order);
* then the growing part: a message sent and then edited (edit mode, with the
  stop button), or a native draft (draft mode);
* once ``finish`` was called: every part rendered, the footer appended, the
  stop button removed (edit mode) or the draft replaced by real messages.

What a failed call means is decided in :mod:`bot.streaming.calls`; the
reaction is :meth:`StreamWriter._handle`.
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

from bot.streaming.answer import AnswerText
from bot.streaming.base import ChatTarget, Delivery, StopButton
from bot.streaming.calls import Outcome, Result
from bot.streaming.chat_action import type_until
from bot.streaming.clock import Clock, wait_event
from bot.streaming.config import StreamConfig
from bot.streaming.jobs import Destination, Job, perform
from bot.streaming.pacing import ChatPace, RateLimiter
from bot.streaming.render import Rendered, with_footer

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
        self._on_close = on_close
        self._keyboard = None
        if stop_button is not None:
            button = InlineKeyboardButton(
                text=stop_button.label, callback_data=stop_button.callback_data
            )
            self._keyboard = InlineKeyboardMarkup(inline_keyboard=[[button]])
        self._use_draft = draft
        self.draft_id: int | None = secrets.randbelow(2**31 - 2) + 1 if draft else None
        self._answer = AnswerText(config.part_limit)
        self._changed = asyncio.Event()
        self._first_shown = asyncio.Event()
        self._first_piece_at: float | None = None
        self._finishing = False
        self._footer: str | None = None
        self._slots: list[Rendered] | None = None  # final renderings, fixed by finish()
        self._final_done = 0  # slots (parts, then the footer) delivered in their final form
        self._ids: dict[int, int] = {}  # slot -> message id
        self._shown: dict[int, tuple[object, ...]] = {}  # slot -> what its message shows
        self._draft_shown: tuple[object, ...] | None = None
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

    # -- the AnswerWriter interface ---------------------------------------------------------

    @property
    def abandoned(self) -> bool:
        """True once the chat cannot receive the answer: stop reading the provider."""
        return self._abandoned

    @property
    def mode(self) -> str:
        """``"draft"`` while native drafts are used, else ``"edit"``."""
        return "draft" if self._use_draft else "edit"

    def append(self, piece: str) -> None:
        """Add a piece of text; returns at once (never raises, never waits for Telegram)."""
        if self._finishing or self._abandoned or not piece:
            return
        if self._answer.append(piece):
            self._first_piece_at = self._clock.now()
        self._changed.set()

    async def finish(self, footer: str | None = None) -> Delivery:
        """Deliver the complete text, formatted, with ``footer`` as a last plain line.

        Waits until Telegram has it (pacing and flood control still apply).
        Calling it again returns the same result; after ``close`` it is an error.
        """
        if self._closed:
            raise RuntimeError("finish() called on a closed writer")
        if not self._finishing:
            self._finishing, self._footer = True, footer
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
        self._on_close(self)

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
                job = self._next_job()
                if job is None:
                    if self._finishing:
                        break
                    await self._changed.wait()
                    self._changed.clear()
                    continue
                if not job.final and not self._first_shown.is_set():
                    await self._await_first_word()
                await self._pace.wait_turn()
                await self._limiter.acquire()
                job = self._next_job()  # the text grew while we waited: send the latest
                if job is None or self._abandoned:
                    continue
                await self._handle(job, await self._perform(job))
        finally:
            self._typing.cancel()
        ids = [self._ids[slot] for slot in sorted(self._ids)]
        return Delivery(message_ids=ids, delivered=not self._abandoned)

    async def _await_first_word(self) -> None:
        """Hold the first text until a whole word is there, but at most ``first_word_wait``."""
        start = self._first_piece_at if self._first_piece_at is not None else self._clock.now()
        deadline = start + self._config.first_word_wait
        while not (self._answer.word_seen or self._finishing or self._abandoned):
            left = deadline - self._clock.now()
            if left <= 0:
                return
            self._changed.clear()
            await wait_event(self._clock, self._changed, left)

    def _final_slots(self) -> list[Rendered]:
        if self._slots is None:
            parts = self._answer.final_parts()
            renders = [self._answer.rendered(i, part) for i, part in enumerate(parts)]
            self._slots = renders[:-1] + with_footer(renders[-1], self._footer)
        return self._slots

    def _next_job(self) -> Job | None:
        """The one call that matters most now, or None when Telegram is up to date."""
        if self._finishing:
            slots = self._final_slots()
            while self._final_done < len(slots):
                job = Job(self._final_done, slots[self._final_done], False, "message", True)
                if not self._already_final(job):
                    return job
                self._final_done += 1
            return None
        text = self._answer.advance()
        closed = self._answer.closed
        while self._final_done < len(closed):
            index = self._final_done
            job = Job(index, self._answer.rendered(index, closed[index]), False, "message", True)
            if not self._already_final(job):
                return job
            self._final_done += 1
        shown = self._answer.streaming_text(text)
        if not shown:
            return None
        index = len(closed)
        if self._use_draft:
            job = Job(index, Rendered(shown), False, "draft", False)
            return None if self._draft_shown == job.state() else job
        job = Job(index, Rendered(shown), self._keyboard is not None, "message", False)
        return None if self._shown.get(index) == job.state() else job

    def _already_final(self, job: Job) -> bool:
        if not job.rendered.text.strip():
            return True  # nothing to show (a blank tail): no message for it
        return job.index in self._ids and self._shown.get(job.index) == job.state()

    async def _perform(self, job: Job) -> Result[object]:
        destination = Destination(
            bot=self._bot,
            target=self._target,
            chat_id=self._chat_id,
            keyboard=self._keyboard,
            draft_id=self.draft_id,
            request_timeout=self._config.request_timeout,
        )
        reply = not self._ids  # only the answer's first message replies to the question
        return await perform(job, destination, self._ids.get(job.index), reply)

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
            self._ids.pop(job.index, None)
            self._shown.pop(job.index, None)
        elif job.kind == "draft":  # drafts refused here: stream by edits, remember it
            log.info("chat %s refused drafts (%s); using edits", self._chat_id, result.description)
            self._use_draft = False
            self._pace.draft_refused = True
        elif job.rendered.entities:  # formatting refused: the same text, plain
            self._downgrade(job.index)
        else:
            log.warning("telegram refused text for chat %s: %s", self._chat_id, result.description)
            self._succeeded(job, None)  # nothing else to try for this content; go on

    def _succeeded(self, job: Job, value: object) -> None:
        self._failing_since, self._failures = None, 0
        self._first_shown.set()
        if job.kind == "draft":
            self._draft_shown = job.state()
            return
        if isinstance(value, Message) and job.index not in self._ids:
            self._ids[job.index] = value.message_id
        self._shown[job.index] = job.state()
        if job.final:
            self._final_done += 1
            self._draft_shown = None  # a sent message replaces the draft

    def _downgrade(self, index: int) -> None:
        if self._finishing and self._slots is not None:
            self._slots[index] = Rendered(self._slots[index].text)
        else:
            self._answer.make_plain(index)

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
