"""Turns across workers: a leased holder key and a first-come waiting line per conversation.

Taking a turn is one script call (:mod:`bot.coordination.redis_turn_scripts`):
join the line unless it is full, and take the holder key when it is free and
this question heads the line. A waiter then sleeps until the turn is announced
free on the ``turn-freed`` channel, or until the moment the script said the
turn might free itself (the holder's lease or the head waiter's deadline
ending) — never less than ``MIN_RECHECK`` and never more than a third of the
lease, because every attempt also renews the waiter's own deadline. A worker
that dies thus leaves no holder for longer than the lease and no waiter for
longer than the lease. The heartbeat renews the leases of the turns this
process holds (:meth:`RedisTurns.renew`).

``stop()`` marks the holder key and announces the stop on ``turn-stop``; the
holder's worker acts on the announcement at once, or on the mark at its next
renewal if it missed the announcement (pub/sub does not keep messages).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from redis.asyncio import Redis

from bot.coordination.base import ChatKey, CoordinationError, RunningAnswer, StopReason, TurnBusy
from bot.coordination.redis_store import RedisKeys, conversation, unavailable
from bot.coordination.redis_turn_scripts import TurnScripts

log = logging.getLogger(__name__)

MIN_RECHECK = 0.05  # seconds: the shortest sleep between two attempts of one waiter


@dataclass(eq=False)
class _Waiter:
    conversation: str
    in_line: bool = False  # counted as waiting once the script placed it in the line
    woken: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(eq=False)
class _Held:
    key: ChatKey
    value: str  # the holder key's value: "{token} {asker_id}" (and " {reason}" once stopped)
    answer: RunningAnswer
    lost: bool = False


class RedisTurns:
    """:class:`~bot.coordination.base.Turns` shared by every worker on one Redis."""

    def __init__(self, client: Redis, keys: RedisKeys, *, worker_id: str, max_waiting: int,
                 lease_seconds: float) -> None:
        self._client = client
        self._keys = keys
        self._scripts = TurnScripts.register(client)
        self._worker_id = worker_id
        self._max_waiting = max_waiting
        self._lease_ms = max(1, round(lease_seconds * 1000))
        self._longest_sleep = max(MIN_RECHECK, lease_seconds / 3)
        self._waiters: dict[str, _Waiter] = {}
        self._held: dict[str, _Held] = {}
        self._leaving: set[asyncio.Task[None]] = set()

    @asynccontextmanager
    async def turn(self, key: ChatKey, *, asker_id: int) -> AsyncIterator[RunningAnswer]:
        """Wait for the conversation's turn on any worker, then hold it (see ``Turns``)."""
        token = f"{self._worker_id}:{uuid.uuid4().hex[:16]}"
        value = f"{token} {asker_id}"
        await self._wait_for_turn(key, token, value)
        held = _Held(key, value, RunningAnswer(key, asker_id))
        self._held[token] = held
        try:
            yield held.answer
        finally:
            del self._held[token]
            await self._leave(key, token, value)

    async def _wait_for_turn(self, key: ChatKey, token: str, value: str) -> None:
        waiter = self._waiters[token] = _Waiter(conversation(key))
        try:
            while True:
                waiter.woken.clear()  # before asking, so a wake-up during the call counts
                with unavailable("taking a turn"):
                    status, wait_ms = await self._scripts.take(
                        keys=self._keys.turn(key),
                        args=[token, value, self._lease_ms, self._max_waiting])
                if status == "taken":
                    return
                if status == "busy":
                    raise TurnBusy(key)
                waiter.in_line = True
                sleep = min(max(MIN_RECHECK, wait_ms / 1000 + 0.005), self._longest_sleep)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(sleep):
                        await waiter.woken.wait()
        except TurnBusy:
            raise
        except BaseException:
            # Cancelled or cut off mid-call: the script may have run, so undo what it did.
            await self._leave(key, token, value)
            raise
        finally:
            del self._waiters[token]

    async def _leave(self, key: ChatKey, token: str, value: str) -> None:
        """Give up the place and the turn, even when the caller is being cancelled."""
        task = asyncio.create_task(self._leave_now(key, token, value))
        self._leaving.add(task)
        task.add_done_callback(self._leaving.discard)
        await asyncio.shield(task)

    async def _leave_now(self, key: ChatKey, token: str, value: str) -> None:
        try:
            with unavailable("giving up a turn"):
                await self._scripts.leave(keys=self._keys.turn(key), args=[
                    token, value, self._keys.freed_channel, conversation(key)])
        except CoordinationError as exc:
            log.warning("chat %s: %s; the turn frees itself when its lease ends",
                        conversation(key), exc)

    async def renew(self) -> None:
        """Extend the lease of every turn this process holds (the heartbeat calls this).

        Also delivers stop requests whose announcement this worker missed.
        """
        held = list(self._held.values())
        if not held:
            return
        with unavailable("renewing turn leases"):
            states = await self._scripts.renew(
                keys=[self._keys.holder(h.key) for h in held],
                args=[self._lease_ms, *(h.value for h in held)])
        for turn, state in zip(held, states, strict=True):
            if state.startswith("stop:"):
                self._stop(turn, state.removeprefix("stop:"))
            elif state == "lost" and not turn.lost:
                turn.lost = True  # said once: the answer goes on, another may start beside it
                log.warning("chat %s: this worker's turn lapsed (Redis was out of reach "
                            "for longer than the lease)", conversation(turn.key))

    def on_freed(self, name: str) -> None:
        """A conversation's turn became free: this process's waiters there ask again."""
        for waiter in self._waiters.values():
            if waiter.conversation == name:
                waiter.woken.set()

    def on_stop(self, message: str) -> None:
        """A stop request (``"token reason"``) from any worker: stop the answer if it is ours."""
        token, _, reason = message.partition(" ")
        held = self._held.get(token)
        if held is not None:
            self._stop(held, reason)

    @staticmethod
    def _stop(held: _Held, reason: str) -> None:
        try:
            held.answer.stop(StopReason(reason))
        except ValueError:
            log.warning("ignored a stop request with an unknown reason %r", reason)

    def wake_all(self) -> None:
        """Every waiter asks again (announcements may have been missed while disconnected)."""
        for waiter in self._waiters.values():
            waiter.woken.set()

    async def asker(self, key: ChatKey) -> int | None:
        """Who asked the answer being written in this conversation, on whichever worker."""
        with unavailable("reading a turn"):
            value = await self._client.get(self._keys.holder(key))
        if value is None:
            return None
        text = value.decode() if isinstance(value, bytes) else value
        return int(text.split()[1])

    async def stop(self, key: ChatKey, reason: StopReason = StopReason.USER) -> bool:
        """Tell whichever worker writes this conversation's answer to stop; False if none."""
        with unavailable("stopping an answer"):
            told = await self._scripts.stop(keys=[self._keys.holder(key)],
                                            args=[self._keys.stop_channel, reason.value])
        return bool(told)

    async def queued(self, key: ChatKey) -> int:
        """Questions waiting in this conversation's line, on every worker."""
        with unavailable("reading a waiting line"):
            return int(await self._client.zcard(self._keys.turn(key)[1]))

    def stop_local(self, reason: StopReason) -> int:
        """Stop every answer this process writes."""
        for held in self._held.values():
            held.answer.stop(reason)
        return len(self._held)

    @property
    def active(self) -> int:
        """Answers this process is writing now."""
        return len(self._held)

    @property
    def waiting(self) -> int:
        """Questions of this process waiting in their conversation's line."""
        return sum(1 for waiter in self._waiters.values() if waiter.in_line)

    async def close(self) -> None:
        """Wait for turns being given up (they run on even when their caller was cancelled)."""
        if self._leaving:
            await asyncio.gather(*self._leaving, return_exceptions=True)
