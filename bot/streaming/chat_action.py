"""The "typing…" indicator shown while an answer has no text yet."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiogram import Bot

from bot.streaming.base import ChatTarget
from bot.streaming.calls import Outcome, attempt
from bot.streaming.clock import Clock, wait_event
from bot.streaming.pacing import ChatPace, RateLimiter


async def type_until(
    bot: Bot,
    target: ChatTarget,
    *,
    shown: asyncio.Event,
    pace: ChatPace,
    limiter: RateLimiter,
    clock: Clock,
    every: float,
    request_timeout: int,
    on_gone: Callable[[str], None],
) -> None:
    """Send ``typing`` now and every ``every`` seconds until ``shown`` is set.

    Chat actions do not take the chat's turn (the first text must not wait for
    them) but respect its flood-control window; they only use a bot-wide slot
    that is free at once, so under load they never delay anybody's text.
    """
    while not shown.is_set():
        await pace.wait_unblocked()
        if shown.is_set():
            return
        if not limiter.try_acquire():
            await wait_event(clock, shown, every)
            continue
        result = await attempt(
            bot.send_chat_action(
                chat_id=target.chat_id,
                action="typing",
                message_thread_id=target.thread_id,
                request_timeout=request_timeout,
            )
        )
        if result.outcome is Outcome.GONE:
            on_gone(result.description)
            return
        if result.outcome is Outcome.FLOOD:
            pace.on_flood(result.retry_after)
            continue
        await wait_event(clock, shown, every)
