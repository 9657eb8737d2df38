"""The streamer: one per process, opens a writer per answer and holds the shared limits."""

from __future__ import annotations

from aiogram import Bot

from bot.streaming.base import ChatTarget, StopButton
from bot.streaming.clock import Clock, LoopClock
from bot.streaming.config import StreamConfig
from bot.streaming.pacing import ChatPace, RateLimiter
from bot.streaming.writer import StreamWriter

_PRUNE_ABOVE = 1024  # chats remembered before idle paces are forgotten


class Streamer:
    """Opens stream writers; owns the bot-wide rate limiter and every chat's pace.

    The pace of a chat outlives its writers for a while, so a second answer in
    the same chat keeps the spacing (and a 429's longer interval) of the first.
    """

    def __init__(self, bot: Bot, config: StreamConfig, *, clock: Clock | None = None) -> None:
        self._bot = bot
        self._config = config
        self._clock: Clock = clock or LoopClock()
        self._limiter = RateLimiter(config.global_rate, config.global_burst, self._clock)
        self._paces: dict[int, ChatPace] = {}
        self._writers: set[StreamWriter] = set()

    @property
    def config(self) -> StreamConfig:
        """The settings this streamer was built with."""
        return self._config

    @property
    def open_writers(self) -> int:
        """Writers opened and neither finished nor closed yet."""
        return len(self._writers)

    def open(self, target: ChatTarget, *, stop_button: StopButton | None = None) -> StreamWriter:
        """Start rendering a new answer into ``target`` (typing… shows at once).

        Drafts are used only with ``mode="draft"``, in private chats, and not in
        a chat that refused them before. ``stop_button`` is shown under edited
        messages while streaming (draft mode uses the draft's own stop button).
        Usable as ``async with streamer.open(target) as writer:`` (closes on exit).
        """
        pace = self._pace_for(target)
        draft = self._config.mode == "draft" and target.private and not pace.draft_refused
        pace.writers += 1
        writer = StreamWriter(
            self._bot,
            target,
            config=self._config,
            clock=self._clock,
            pace=pace,
            limiter=self._limiter,
            stop_button=stop_button,
            draft=draft,
            on_close=lambda closed: self._release(closed, pace),
        )
        self._writers.add(writer)
        return writer

    async def aclose(self) -> None:
        """Close every writer still open (their answers stay as last shown)."""
        for writer in list(self._writers):
            await writer.close()

    def _pace_for(self, target: ChatTarget) -> ChatPace:
        pace = self._paces.get(target.chat_id)
        if pace is None:
            interval = self._config.interval(target.private)
            pace = self._paces[target.chat_id] = ChatPace(interval, self._config, self._clock)
        return pace

    def _release(self, writer: StreamWriter, pace: ChatPace) -> None:
        self._writers.discard(writer)
        pace.writers -= 1
        if len(self._paces) > _PRUNE_ABOVE:
            for chat_id in [chat for chat, each in self._paces.items() if each.idle()]:
                del self._paces[chat_id]
