"""The streamer: one per process, opens a writer per answer and holds the shared limits."""

from __future__ import annotations

from aiogram import Bot

from bot.clock import Clock, LoopClock
from bot.coordination.base import CallLimiter, PaceStore
from bot.coordination.memory_pacing import MemoryCallLimiter, MemoryPaceStore
from bot.streaming.base import ChatTarget, Decor
from bot.streaming.calls import Outcome, attempt
from bot.streaming.channel import ChatChannel, StreamContext
from bot.streaming.config import TELEGRAM_TEXT_LIMIT, StreamConfig
from bot.streaming.notice import send_notice
from bot.streaming.pacing import ChatPace
from bot.streaming.splitting import shorten
from bot.streaming.writer import StreamWriter

_PRUNE_ABOVE = 1024  # chats remembered before idle ones are forgotten


class Streamer:
    """Opens stream writers; owns every chat's pace and channel, and the bot-wide limiter.

    The pace of a chat outlives its writers for a while, so a second answer in
    the same chat keeps the spacing (and a 429's longer interval) of the first.
    ``paces`` and ``limiter`` default to this process's memory; several workers
    pass stores they share.
    """

    def __init__(self, bot: Bot, config: StreamConfig, *, clock: Clock | None = None,
                 paces: PaceStore | None = None, limiter: CallLimiter | None = None) -> None:
        clock = clock or LoopClock()
        self._context = StreamContext(
            bot, config, clock,
            limiter or MemoryCallLimiter(config.global_rate, config.global_burst, clock))
        self._store = paces or MemoryPaceStore(clock)
        self._paces: dict[int, ChatPace] = {}
        self._channels: dict[tuple[int, int | None], ChatChannel] = {}
        self._moved: dict[int, int] = {}
        self._writers: set[StreamWriter] = set()

    @property
    def config(self) -> StreamConfig:
        """The settings this streamer was built with."""
        return self._context.config

    @property
    def open_writers(self) -> int:
        """Writers opened and neither finished nor closed yet."""
        return len(self._writers)

    @property
    def tracked_chats(self) -> int:
        """Chats and channels remembered now (for tests of bounded memory)."""
        return len(self._paces) + len(self._channels)

    def open(self, target: ChatTarget, *, decor: Decor | None = None) -> StreamWriter:
        """Start rendering a new answer into ``target`` ("typing…" shows once its turn comes).

        Drafts are used only with ``mode="draft"``, in private chats, and not in
        a chat where they failed before. ``decor`` gives the stop button shown
        under edited messages while streaming and the "thinking" status label.
        Usable as ``async with streamer.open(target) as writer:`` (closes on exit).
        """
        channel = self._channel_for(target)
        draft = (self.config.mode == "draft" and target.private
                 and not channel.pace.draft_refused)
        writer = StreamWriter(channel, target, decor or Decor(), draft=draft,
                              on_close=self._release, on_migrate=self.moved)
        self._writers.add(writer)
        return writer

    async def say(self, target: ChatTarget, text: str) -> bool:
        """Send a short notice now, not behind the conversation's answers; False if it failed."""
        channel = self._channel_for(target)
        try:
            return await send_notice(self._context, channel.pace, target, text)
        finally:
            channel.pace.writers -= 1

    async def close_interrupted(self, chat_id: int, message_id: int, text: str) -> bool:
        """Edit a message an earlier run left half-written: ``text``, and no Stop button."""
        channel = self._channel_for(ChatTarget(chat_id, private=chat_id > 0))
        try:
            await channel.pace.wait_turn()
            await self._context.limiter.acquire()
            result = await attempt(self._context.bot.edit_message_text(
                text=shorten(text, TELEGRAM_TEXT_LIMIT), chat_id=channel.chat_id,
                message_id=message_id, parse_mode=None,
                request_timeout=self.config.request_timeout))
            if result.outcome is Outcome.FLOOD:  # the chat's next writer must not walk into it
                await channel.pace.on_flood(result.retry_after)
        finally:
            channel.pace.writers -= 1
        return result.outcome in (Outcome.OK, Outcome.NOT_MODIFIED)

    def moved(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: later answers for the old id go to the new one."""
        self._moved[old_chat_id] = new_chat_id
        pace = self._paces.pop(old_chat_id, None)
        if pace is not None:
            pace.chat_id = new_chat_id
            self._paces.setdefault(new_chat_id, pace)

    async def aclose(self) -> None:
        """Close every writer still open (their answers stay as last shown)."""
        for writer in list(self._writers):
            await writer.close()

    def _channel_for(self, target: ChatTarget) -> ChatChannel:
        chat_id = self._moved.get(target.chat_id, target.chat_id)
        key = (chat_id, target.thread_id)
        channel = self._channels.get(key)
        if channel is None:
            pace = self._paces.get(chat_id)
            if pace is None:
                interval = self.config.interval(target.private)
                pace = ChatPace(chat_id, interval, self.config, self._context.clock, self._store)
                self._paces[chat_id] = pace
            channel = self._channels[key] = ChatChannel(self._context, pace, target.thread_id)
        channel.pace.writers += 1
        return channel

    def _release(self, writer: StreamWriter) -> None:
        self._writers.discard(writer)
        writer.channel.pace.writers -= 1
        if len(self._channels) <= _PRUNE_ABOVE:
            return
        for key in [k for k, channel in self._channels.items() if channel.idle()]:
            del self._channels[key]
        in_use = {id(channel.pace) for channel in self._channels.values()}
        for chat_id in [chat for chat, pace in self._paces.items()
                        if id(pace) not in in_use and pace.idle()]:
            del self._paces[chat_id]
