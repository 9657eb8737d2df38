"""One conversation's place in Telegram: the chat's pace, and the order of its answers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiogram import Bot

from bot.clock import Clock
from bot.coordination.base import CallLimiter
from bot.streaming.config import StreamConfig
from bot.streaming.pacing import ChatPace


@dataclass(frozen=True, slots=True)
class StreamContext:
    """What every writer of one streamer shares: the bot, the settings, time, the bot-wide limit."""

    bot: Bot
    config: StreamConfig
    clock: Clock
    limiter: CallLimiter


class ChatChannel:
    """A chat (or one forum topic of it) that answers are written into, one after another.

    A writer makes no call before the previous writer of the channel has
    delivered: when a 429 window holds an answer's last text, the next answer
    (whose provider is read meanwhile) appears after it, never before.
    """

    def __init__(self, context: StreamContext, pace: ChatPace, thread_id: int | None) -> None:
        self.context = context
        self.pace = pace
        self.thread_id = thread_id
        self._last: asyncio.Future[None] | None = None
        self.writers = 0

    @property
    def chat_id(self) -> int:
        """The chat's id (its pace follows a group that became a supergroup)."""
        return self.pace.chat_id

    def enqueue(self) -> tuple[asyncio.Future[None] | None, asyncio.Future[None]]:
        """A new writer's place: the future it waits for (None: first) and its own."""
        previous, mine = self._last, asyncio.get_running_loop().create_future()
        self._last = mine
        self.writers += 1
        return previous, mine

    def release(self, done: asyncio.Future[None]) -> None:
        """A writer finished: the next one may go."""
        self.writers -= 1
        if not done.done():
            done.set_result(None)

    def idle(self) -> bool:
        """True when no writer is open or waiting."""
        return self.writers == 0 and (self._last is None or self._last.done())
