"""The interfaces of shared state, and the values that cross them.

Each interface has two implementations: in memory (one process; the default)
and in Redis (several workers behind one webhook). Callers never know which
one they hold, so every method is a coroutine even where memory would not need it.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ChatKey:
    """A conversation's address: a chat, and a forum topic in it (0 when none)."""

    chat_id: int
    thread_id: int = 0


class StopReason(enum.Enum):
    """Why an answer ended before the provider finished."""

    USER = "user"  # /stop or a stop button
    SHUTDOWN = "shutdown"  # this process is stopping


class TurnBusy(Exception):
    """Too many questions already wait in this conversation."""


class CoordinationError(Exception):
    """The shared store (Redis) did not answer in time; the operation may not have happened.

    Every Redis implementation raises only this (chained to the client's error),
    so callers handle one exception whichever store they hold.
    """


@dataclass(eq=False)
class RunningAnswer:
    """This process's handle on the answer it writes in one conversation."""

    key: ChatKey
    asker_id: int
    stopped: asyncio.Event = field(default_factory=asyncio.Event)
    reason: StopReason | None = None

    def stop(self, reason: StopReason) -> None:
        """Ask the answer to end; the first reason given wins."""
        if self.reason is None:
            self.reason = reason
        self.stopped.set()


class Turns(Protocol):
    """One answer per conversation at a time, with a bounded, first-come waiting line."""

    def turn(self, key: ChatKey, *, asker_id: int) -> AbstractAsyncContextManager[RunningAnswer]:
        """Wait for the conversation's turn, then hold it while answering.

        Raises :class:`TurnBusy` at once when the waiting line is full. A holder
        that dies keeps the turn only for a short lease (Redis).
        """

    async def asker(self, key: ChatKey) -> int | None:
        """Who asked the answer being written in this conversation (None: nothing runs)."""

    async def stop(self, key: ChatKey, reason: StopReason = StopReason.USER) -> bool:
        """Stop the answer being written here, whichever worker writes it; False if none."""

    def stop_local(self, reason: StopReason) -> int:
        """Stop every answer this process writes; returns how many were asked to stop."""

    @property
    def active(self) -> int:
        """Answers this process is writing now."""

    @property
    def waiting(self) -> int:
        """Questions of this process waiting for their conversation's turn."""


class PaceStore(Protocol):
    """When the next Telegram call to a chat may go out, and the chat's 429 windows."""

    async def claim(self, chat_id: int, interval: float, *, burst: str | None = None) -> float:
        """Take the chat's next call slot: 0.0 when taken now, else seconds to wait.

        Taking it books the following slot ``interval`` later. ``burst`` (the
        answer's own token) ignores the spacing, never a 429 window, so an
        answer's last messages go out at once together; once one answer has
        burst, another may burst only an interval later.
        """

    async def block(self, chat_id: int, seconds: float) -> None:
        """Telegram answered 429: nothing may go to this chat for ``seconds``."""

    async def blocked_for(self, chat_id: int) -> float:
        """Seconds left of the chat's 429 window (0.0 when none)."""


class CallLimiter(Protocol):
    """The bot-wide limit on Telegram calls (about 30 per second, short bursts allowed)."""

    async def acquire(self) -> None:
        """Wait for a slot (at once while the burst allowance lasts)."""

    async def try_acquire(self) -> bool:
        """Take a slot only if one is free right now (for calls that may be skipped)."""


class UpdateLog(Protocol):
    """Remembers which updates were handled: Telegram and load balancers deliver twice."""

    async def first_time(self, update_id: int) -> bool:
        """True the first time an update id is seen (and remembers it), False after."""

    async def forget(self, update_id: int) -> None:
        """Its handling was cut short: a redelivery of this update must be handled."""


class SettingsBus(Protocol):
    """Tells every worker that bot-wide settings changed (provider switches, default)."""

    async def announce(self) -> None:
        """Call after a committed change: every worker's listeners run soon after."""

    def listen(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` whenever any worker (this one included) announces a change."""


class Workers(Protocol):
    """Which worker processes are alive: answers of a dead worker are taken over."""

    @property
    def worker_id(self) -> str:
        """This process's id (unique per start)."""

    async def alive(self, worker_ids: Collection[str]) -> set[str]:
        """Those of ``worker_ids`` that are alive now (this process always is)."""


@dataclass(frozen=True, slots=True)
class Coordination:
    """Every piece of shared state one process uses, and a liveness probe of its store."""

    turns: Turns
    paces: PaceStore
    limiter: CallLimiter
    updates: UpdateLog
    settings: SettingsBus
    workers: Workers
    ping: Callable[[], Awaitable[None]]  # raises when the shared store does not answer
    shared: bool  # True when several workers may share this state (Redis)
