"""The "typing…" indicator shown while an answer has no text yet."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.clock import wait_event
from bot.coordination.base import CoordinationError
from bot.streaming.base import ChatTarget
from bot.streaming.calls import Outcome, attempt
from bot.streaming.channel import ChatChannel


async def type_until(channel: ChatChannel, target: ChatTarget, *, shown: asyncio.Event,
                     on_gone: Callable[[str], None]) -> None:
    """Send ``typing`` now and every ``typing_every`` seconds until ``shown`` is set.

    Chat actions do not take the chat's turn (the first text must not wait for
    them) but respect its 429 window; they only use a bot-wide slot that is
    free at once, so under load they never delay anybody's text. A failing
    chat action is cosmetic: typing stops and the answer goes on, unless the
    chat itself is gone (blocked, kicked), which spares asking the provider.
    """
    try:
        await _type(channel, target, shown, on_gone)
    except CoordinationError:  # typing is cosmetic: without the shared limits, none
        return


async def _type(channel: ChatChannel, target: ChatTarget, shown: asyncio.Event,
                on_gone: Callable[[str], None]) -> None:
    context, pace = channel.context, channel.pace
    every = context.config.typing_every
    while not shown.is_set():
        await pace.wait_unblocked()
        if shown.is_set():
            return
        if not await context.limiter.try_acquire():
            await wait_event(context.clock, shown, every)
            continue
        result = await attempt(context.bot.send_chat_action(
            chat_id=channel.chat_id, action="typing", message_thread_id=target.thread_id,
            request_timeout=context.config.request_timeout))
        if result.outcome is Outcome.GONE:
            on_gone(result.description)
            return
        if result.outcome is Outcome.FLOOD:
            await pace.on_flood(result.retry_after)
            continue
        if result.outcome is not Outcome.OK:
            return
        await wait_event(context.clock, shown, every)
