"""A short message outside any answer's order ("busy", "limit reached"), within the limits."""

from __future__ import annotations

import logging

from aiogram.types import ReplyParameters

from bot.streaming.base import ChatTarget
from bot.streaming.calls import Outcome, attempt
from bot.streaming.channel import StreamContext
from bot.streaming.pacing import ChatPace

log = logging.getLogger(__name__)

_ATTEMPTS = 3
_LONGEST_WAIT = 30.0  # a notice not sent by then is not worth sending


async def send_notice(context: StreamContext, pace: ChatPace, target: ChatTarget,
                      text: str) -> bool:
    """Send ``text`` as a plain message in the chat's next turn; False if it could not go."""
    reply = None
    if target.reply_to_message_id is not None:
        reply = ReplyParameters(message_id=target.reply_to_message_id,
                                allow_sending_without_reply=True)
    for _ in range(_ATTEMPTS):
        if await pace.blocked_for() > _LONGEST_WAIT:
            break
        await pace.wait_turn()
        await context.limiter.acquire()
        result = await attempt(context.bot.send_message(
            chat_id=pace.chat_id, text=text, message_thread_id=target.thread_id,
            reply_parameters=reply, parse_mode=None,
            request_timeout=context.config.request_timeout))
        if result.outcome is Outcome.OK:
            return True
        if result.outcome is Outcome.FLOOD:
            await pace.on_flood(result.retry_after)
        elif result.outcome is not Outcome.TRANSIENT:
            break
    log.info("chat %s: a notice could not be sent", pace.chat_id)
    return False
