"""The stream writer: one background task renders one growing answer into one chat.

``append`` only records text and wakes the task, so reading the provider is
never slowed by Telegram. The task makes every Telegram call, one per turn of
the chat's pace (and a bot-wide slot), always with the latest text; which call
comes next is decided by :class:`~bot.streaming.plan.AnswerPlan`, what a
failure means by :mod:`bot.streaming.calls`, and the reaction to it by
:meth:`StreamWriter._handle`. The first text waits for a whole word, at most
``first_word_wait`` after the first piece; "typing…" (or the "thinking"
status) shows until then. The last word goes out at once (see
:meth:`~bot.streaming.pacing.ChatPace.wait_turn`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.clock import wait_event
from bot.coordination.base import CoordinationError
from bot.streaming.base import ChatTarget, Decor, Delivery, LiveMessage
from bot.streaming.calls import Outcome, Result
from bot.streaming.channel import ChatChannel
from bot.streaming.chat_action import type_until
from bot.streaming.jobs import Destination, Job, perform
from bot.streaming.plan import AnswerPlan

log = logging.getLogger(__name__)

_STATUS_REFRESH = 1.0  # seconds between looks at the "thinking" status's clock


class StreamWriter:
    """Renders one growing answer into one chat; implements :class:`AnswerWriter`."""

    def __init__(
        self,
        channel: ChatChannel,
        target: ChatTarget,
        decor: Decor,
        *,
        draft: bool,
        on_close: Callable[[StreamWriter], None],
        on_migrate: Callable[[int, int], None],
    ) -> None:
        self.channel = channel
        self._context = channel.context
        self._target = target
        self._decor = decor
        self._on_close: Callable[[StreamWriter], None] | None = on_close
        self._on_migrate = on_migrate
        self._keyboard: InlineKeyboardMarkup | None = None
        if decor.stop_button is not None:
            button = InlineKeyboardButton(text=decor.stop_button.label,
                                          callback_data=decor.stop_button.callback_data)
            self._keyboard = InlineKeyboardMarkup(inline_keyboard=[[button]])
        self.draft_id: int | None = secrets.randbelow(2**31 - 2) + 1 if draft else None
        self._token = secrets.token_hex(8)  # this answer, for its one burst
        self._plan = AnswerPlan(self._context.config.part_limit, draft=draft,
                                keyboard=self._keyboard is not None)
        self._changed = asyncio.Event()
        self._finishing = asyncio.Event()
        self._first_shown = asyncio.Event()
        self._first_piece_at: float | None = None
        self._thinking_since: float | None = None
        self._abandoned = False
        self._failing_since: float | None = None
        self._failures = 0
        self._closed = False
        self._after, self._done = channel.enqueue()
        self._typing: asyncio.Task[None] | None = None
        self._task = asyncio.create_task(self._run(), name="stream-writer")
        # A finished answer frees its place even if close() is forgotten.
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
            self._first_piece_at = self._context.clock.now()
        self._changed.set()

    def think(self) -> None:
        """The model reasons: show the "thinking" status (if the decor has one) until text."""
        if self._thinking_since is None and self._decor.thinking:
            self._thinking_since = self._context.clock.now()
            self._changed.set()

    def live(self) -> LiveMessage | None:
        """The newest message of this answer and the text it shows."""
        return self._plan.live()

    def finish(self, footer: str | None = None, *,
               reasoning: str | None = None) -> Awaitable[Delivery]:
        """Deliver the complete text, formatted, with ``footer`` as a last plain line.

        Returns at once; the result resolves when Telegram has it (pacing and
        429 windows still apply). Calling it again returns the same result;
        after ``close`` (a shutdown) nothing more is sent.
        """
        if self._closed:
            closed = asyncio.get_running_loop().create_future()
            closed.set_result(Delivery(self._plan.message_ids(), delivered=False))
            return closed
        if not self._plan.finishing:
            self._plan.finish(footer, reasoning)
            self._finishing.set()
            self._changed.set()
        return asyncio.shield(self._task)

    async def close(self) -> None:
        """Stop the background work (idempotent); an unfinished answer stays as last shown."""
        if self._closed:
            return
        self._closed = True
        self._task.cancel()
        for result in await asyncio.gather(self._task, return_exceptions=True):
            if isinstance(result, Exception):
                log.error("stream writer failed", exc_info=result)
        self._release()

    def _release(self) -> None:
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            self.channel.release(self._done)
            on_close(self)

    async def __aenter__(self) -> Self:
        """``async with streamer.open(...) as writer``: the writer closes on exit."""
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        tb: TracebackType | None) -> None:
        """Close the writer (does not finish it)."""
        await self.close()

    # -- the background task ----------------------------------------------------------------

    async def _run(self) -> Delivery:
        if self._after is not None:
            # The previous answer of this conversation goes first (it may wait out a 429).
            await asyncio.wait([self._after])
        self._typing = asyncio.create_task(
            type_until(self.channel, self._target, shown=self._first_shown, on_gone=self._abandon),
            name="stream-typing")
        try:
            while not self._abandoned:
                job = self._plan.next_job(self._status())
                if job is None:
                    if self._plan.finishing:
                        break
                    await self._wait_for_change()
                    continue
                if job.rendered.text and not job.final and not self._first_shown.is_set() \
                        and self._thinking_since is None:
                    await self._await_first_word()
                try:
                    if not await self._take_turn(final=job.final):
                        continue  # the answer finished meanwhile: its last word goes at once
                    await self._context.limiter.acquire()
                except CoordinationError as exc:  # the shared limits are unreachable for now
                    log.warning("chat %s: pacing failed (%s); trying again", self.channel.chat_id,
                                exc)
                    await self._back_off()
                    continue
                job = self._plan.next_job(self._status())  # the text grew meanwhile: the latest
                if job is None or self._abandoned:
                    continue
                await self._handle(job, await self._perform(job))
        finally:
            self._typing.cancel()
            await asyncio.gather(self._typing, return_exceptions=True)
        return Delivery(message_ids=self._plan.message_ids(), delivered=not self._abandoned)

    async def _take_turn(self, *, final: bool) -> bool:
        """Wait for the chat's next turn; False when ``finish`` came first (take a burst then)."""
        pace = self.channel.pace
        if final or self._finishing.is_set():
            await pace.wait_turn(burst=self._token)
            return True
        turn = asyncio.ensure_future(pace.wait_turn())
        finishing = asyncio.ensure_future(self._finishing.wait())
        try:
            await asyncio.wait((turn, finishing), return_when=asyncio.FIRST_COMPLETED)
        finally:
            finishing.cancel()
            if not turn.done():
                turn.cancel()
            await asyncio.gather(turn, finishing, return_exceptions=True)
        if turn.cancelled():
            return False
        turn.result()  # raises what claiming the turn raised
        return True

    def _status(self) -> str | None:
        if self._thinking_since is None or self._decor.thinking is None:
            return None
        seconds = int(self._context.clock.now() - self._thinking_since)
        return self._decor.thinking.format(seconds=seconds)

    async def _wait_for_change(self) -> None:
        if self._thinking_since is not None and not self._plan.answer.snapshot():
            await wait_event(self._context.clock, self._changed, _STATUS_REFRESH)
        else:
            await self._changed.wait()
        self._changed.clear()

    async def _await_first_word(self) -> None:
        """Hold the first text until a whole word is there, but at most ``first_word_wait``."""
        clock = self._context.clock
        start = self._first_piece_at if self._first_piece_at is not None else clock.now()
        deadline = start + self._context.config.first_word_wait
        while not (self._plan.answer.word_seen or self._plan.finishing or self._abandoned):
            left = deadline - clock.now()
            if left <= 0:
                return
            self._changed.clear()
            await wait_event(clock, self._changed, left)

    async def _perform(self, job: Job) -> Result[object]:
        destination = Destination(
            bot=self._context.bot,
            target=self._target,
            chat_id=self.channel.chat_id,
            keyboard=self._keyboard,
            draft_id=self.draft_id,
            request_timeout=self._context.config.request_timeout,
        )
        reply = not self._plan.message_ids()  # only the first message replies to the question
        return await perform(job, destination, self._plan.message_id(job.index), reply)

    async def _handle(self, job: Job, result: Result[object]) -> None:
        """React to a call's outcome; the loop then picks the next job with the latest text."""
        outcome = result.outcome
        if outcome in (Outcome.OK, Outcome.NOT_MODIFIED):
            self._succeeded(job, result.value)
        elif outcome is Outcome.FLOOD:
            try:
                await self.channel.pace.on_flood(result.retry_after)
            except CoordinationError as exc:  # this worker still waits; others may not know
                log.warning("chat %s: a 429 window could not be shared (%s)",
                            self.channel.chat_id, exc)
        elif job.kind == "draft":
            # Drafts refused in any way (400, 404, 5xx, a timeout): edits carry the answer.
            log.info("chat %s: drafts failed (%s: %s); using edits", self.channel.chat_id,
                     outcome.value, result.description)
            self._plan.use_draft = False
            self.channel.pace.draft_refused = True
        elif outcome is Outcome.TRANSIENT:
            await self._back_off()
        elif outcome is Outcome.GONE:
            self._abandon(result.description)
        elif outcome is Outcome.MIGRATED and result.new_chat_id is not None:
            self._on_migrate(self.channel.chat_id, result.new_chat_id)
        elif outcome is Outcome.MISSING:  # deleted under us: continue in a new message
            self._plan.forget(job.index)
        elif job.rendered.entities:  # formatting refused: the same text, plain
            self._plan.downgrade(job.index)
        else:
            log.warning("telegram refused text for chat %s: %s", self.channel.chat_id,
                        result.description)
            self._succeeded(job, None)  # nothing else to try for this content; go on

    def _succeeded(self, job: Job, value: object) -> None:
        self._failing_since, self._failures = None, 0
        self._first_shown.set()
        self._plan.succeeded(job, value.message_id if isinstance(value, Message) else None)

    async def _back_off(self) -> None:
        clock, config = self._context.clock, self._context.config
        now = clock.now()
        if self._failing_since is None:
            self._failing_since = now
        if now - self._failing_since >= config.network_give_up:
            self._abandon("Telegram unreachable")
            return
        delay = min(config.network_backoff_max, config.network_backoff_initial * 2**self._failures)
        self._failures += 1
        await clock.sleep(delay)

    def _abandon(self, reason: str) -> None:
        if not self._abandoned:
            log.info("chat %s cannot receive the answer: %s", self.channel.chat_id, reason)
        self._abandoned = True
        self._changed.set()
