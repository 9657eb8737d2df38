"""What each message of an answer should show next, compared with what it shows now.

The writer asks :meth:`AnswerPlan.next_job` for the one call that matters
most and reports back what Telegram accepted; the plan never talks to
Telegram itself, so the order of calls is decided in one place:

1. closed parts, in order, in their final rendering (messages stay in order);
2. the growing part: plain text (or, before any text, a status such as
   "thinking"), as an edited message (with the stop button) or as the native draft;
3. after ``finish``: every part rendered, the footer on the last one, the
   collapsed reasoning above the first.
"""

from __future__ import annotations

from bot.streaming.answer import AnswerText
from bot.streaming.base import LiveMessage
from bot.streaming.jobs import Job
from bot.streaming.render import Rendered, with_footer, with_reasoning


class AnswerPlan:
    """The answer's message slots: their wanted look and the look Telegram confirmed."""

    def __init__(self, limit: int, *, draft: bool, keyboard: bool) -> None:
        self.answer = AnswerText(limit)
        self.use_draft = draft
        self.finishing = False
        self._keyboard = keyboard
        self._footer: str | None = None
        self._reasoning: str | None = None
        self._slots: list[Rendered] | None = None  # final renderings, fixed by finish()
        self._final_done = 0  # slots delivered in their final form, in order
        self._ids: dict[int, int] = {}  # slot -> message id
        self._shown: dict[int, tuple[object, ...]] = {}  # slot -> what its message shows
        self._texts: dict[int, str] = {}  # slot -> the text its message shows
        self._draft_shown: tuple[object, ...] | None = None

    def finish(self, footer: str | None, reasoning: str | None = None) -> None:
        """No more text: from now on only final renderings (and the footer) are planned."""
        self.finishing, self._footer, self._reasoning = True, footer, reasoning

    def message_id(self, index: int) -> int | None:
        """The message showing slot ``index``, if one was sent."""
        return self._ids.get(index)

    def message_ids(self) -> list[int]:
        """The answer's messages, in order."""
        return [self._ids[slot] for slot in sorted(self._ids)]

    def live(self) -> LiveMessage | None:
        """The first and the newest message sent, and what they show."""
        if not self._ids:
            return None
        slot = max(self._ids)
        return LiveMessage(self._ids[min(self._ids)], self._ids[slot], self._texts.get(slot, ""),
                           self.answer.snapshot())

    def next_job(self, status: str | None = None) -> Job | None:
        """The one call that matters most now, or None when Telegram is up to date.

        ``status`` is shown in the growing slot while the answer has no text yet.
        """
        if self.finishing:
            return self._first_unfinished(self._final_slots())
        text = self.answer.advance()
        closed = self.answer.closed
        slots = [self.answer.rendered(index, part) for index, part in enumerate(closed)]
        if (job := self._first_unfinished(slots)) is not None:
            return job
        shown = Rendered(self.answer.streaming_text(text))
        if not shown.text:
            if not status or closed:
                return None
            shown = Rendered(status)
        if self.use_draft:
            job = Job(len(closed), shown, False, "draft", False)
            return None if self._draft_shown == job.state() else job
        job = Job(len(closed), shown, self._keyboard, "message", False)
        return None if self._shown.get(job.index) == job.state() else job

    def succeeded(self, job: Job, message_id: int | None) -> None:
        """Telegram shows what ``job`` asked for (``message_id`` of a newly sent message)."""
        if job.kind == "draft":
            self._draft_shown = job.state()
            return
        if message_id is not None and job.index not in self._ids:
            self._ids[job.index] = message_id
        self._shown[job.index] = job.state()
        self._texts[job.index] = job.rendered.text
        if job.final:
            self._final_done += 1
            self._draft_shown = None  # a sent message replaces the draft

    def forget(self, index: int) -> None:
        """The slot's message was deleted: the next job for it sends a new one."""
        self._ids.pop(index, None)
        self._shown.pop(index, None)
        self._texts.pop(index, None)

    def downgrade(self, index: int) -> None:
        """Telegram refused the slot's entities: deliver the same text plain."""
        if self._slots is not None:
            self._slots[index] = Rendered(self._slots[index].text)
        self.answer.make_plain(index)

    def _first_unfinished(self, slots: list[Rendered]) -> Job | None:
        while self._final_done < len(slots):
            job = Job(self._final_done, slots[self._final_done], False, "message", True)
            blank = not job.rendered.text.strip()  # a blank tail needs no message
            if not blank and self._shown.get(job.index) != job.state():
                return job
            self._final_done += 1
        return None

    def _final_slots(self) -> list[Rendered]:
        # The final Markdown is cut on the very boundaries it was streamed with and
        # each part is rendered on its own (code fences are closed/reopened at the
        # cuts, so every part is valid Markdown). The rendered answer thus needs
        # exactly the messages already on screen: each is edited in place, none is
        # added or deleted, and the order can never change. Rendering the whole
        # answer and re-splitting it (``split_entities``) would shift every cut and
        # need extra or surplus messages. A part whose rendering would not fit is
        # sent plain (see ``render_markdown``); only the footer may add a message.
        if self._slots is None:
            parts = self.answer.final_parts()
            renders = [self.answer.rendered(i, part) for i, part in enumerate(parts)]
            if renders[0].text.strip():
                renders[0] = with_reasoning(renders[0], self._reasoning)
            self._slots = renders[:-1] + with_footer(renders[-1], self._footer)
        return self._slots
