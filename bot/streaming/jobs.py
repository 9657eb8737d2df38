"""A job is one Telegram call of a stream writer: which message slot, what it should show, how."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, ReplyParameters

from bot.streaming.base import ChatTarget
from bot.streaming.calls import Result, attempt
from bot.streaming.render import Rendered


@dataclass(frozen=True, slots=True)
class Job:
    """Make message slot ``index`` show ``rendered`` (as a message, or as the native draft)."""

    index: int  # the answer's part number; the footer may take one slot more
    rendered: Rendered
    keyboard: bool  # attach the stop button (only while streaming, in edit mode)
    kind: Literal["message", "draft"]
    final: bool  # this is the slot's last look

    def state(self) -> tuple[object, ...]:
        """What the user sees after this job, for skipping calls that would change nothing."""
        return (self.kind, self.rendered.key(), self.keyboard)


@dataclass(frozen=True, slots=True)
class Destination:
    """Everything a call needs besides the job: the bot, the chat, the extras."""

    bot: Bot
    target: ChatTarget
    chat_id: int  # may differ from target.chat_id after a group became a supergroup
    keyboard: InlineKeyboardMarkup | None
    draft_id: int | None
    request_timeout: int


async def perform(job: Job, to: Destination, message_id: int | None, reply: bool) -> Result[object]:
    """Do the job's call: a draft, a new message (``message_id`` None) or an edit."""
    thread = to.target.thread_id
    if job.kind == "draft":
        assert to.draft_id is not None, "draft jobs exist only in draft mode"
        return await attempt(
            to.bot.send_message_draft(
                chat_id=to.chat_id,
                draft_id=to.draft_id,
                text=job.rendered.text,
                message_thread_id=thread,
                parse_mode=None,
                can_stop=True,
                request_timeout=to.request_timeout,
            )
        )
    markup = to.keyboard if job.keyboard else None
    if message_id is None:
        reply_parameters = None
        if reply and to.target.reply_to_message_id is not None:
            reply_parameters = ReplyParameters(
                message_id=to.target.reply_to_message_id, allow_sending_without_reply=True
            )
        return await attempt(
            to.bot.send_message(
                chat_id=to.chat_id,
                text=job.rendered.text,
                entities=job.rendered.entities,
                parse_mode=None,  # explicit: a bot-wide default parse mode must not apply
                reply_markup=markup,
                message_thread_id=thread,
                reply_parameters=reply_parameters,
                request_timeout=to.request_timeout,
            )
        )
    return await attempt(
        to.bot.edit_message_text(
            text=job.rendered.text,
            chat_id=to.chat_id,
            message_id=message_id,
            entities=job.rendered.entities,
            parse_mode=None,
            reply_markup=markup,  # leaving it out removes the stop button
            request_timeout=to.request_timeout,
        )
    )
