"""The Redis side of shared state: the client, the key layout, and error translation.

Every key and channel starts with one prefix (``llmbot:`` by default), so
several bots (or test runs) can share a Redis database::

    {p}turn:{chat}:{thread}:holder   "{token} {asker_id}" (+ " {reason}" once asked to stop),
                                     expires after the lease unless its worker renews it
    {p}turn:{chat}:{thread}:line     sorted set: waiting tokens by arrival (server µs)
    {p}turn:{chat}:{thread}:seen     hash: waiting token → deadline (server µs) of its worker
    {p}pace:{chat}                   hash: next (slot), blocked (429 window end), server µs
    {p}limiter                       string: the bot-wide GCRA's theoretical arrival time (µs)
    {p}update:{update_id}            "1" for a day: the update was taken by some worker
    {p}worker:{worker_id}            "1" while the worker lives (expires after the lease)

    channels: {p}turn-freed ("chat:thread"), {p}turn-stop ("token reason"),
              {p}settings (the announcing worker's id)

A token is ``{worker_id}:{random}``: one question's place in a line, then its turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.coordination.base import ChatKey, CoordinationError

# Commands are short; a Redis that takes longer than this is treated as down.
COMMAND_TIMEOUT = 5.0
PING_TIMEOUT = 2.0


def connect(url: str) -> Redis:
    """A client for ``url`` answering ``str`` (close it with ``aclose``)."""
    return Redis.from_url(url, decode_responses=True, socket_timeout=COMMAND_TIMEOUT,
                          socket_connect_timeout=COMMAND_TIMEOUT, socket_keepalive=True,
                          health_check_interval=30)


@contextmanager
def unavailable(doing: str) -> Iterator[None]:
    """Translate the client's errors (and timeouts) into :class:`CoordinationError`.

    Also re-raises a cancellation the client swallowed: on Python 3.11 the
    ``asyncio.wait_for`` inside redis-py can drop a cancel that arrives as a
    command completes, and the cancelled task would carry on as if never asked
    to stop (a close waiting for it would then hang).
    """
    try:
        yield
    except (RedisError, OSError) as exc:  # OSError covers TimeoutError and socket errors
        _resurface_cancellation(exc)
        raise CoordinationError(f"Redis did not answer while {doing}: {exc}") from exc
    _resurface_cancellation(None)


def _resurface_cancellation(cause: BaseException | None) -> None:
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError from cause


async def ping(client: Redis, timeout: float = PING_TIMEOUT) -> None:
    """PING within ``timeout`` seconds, or :class:`CoordinationError`."""
    with unavailable("answering a ping"):
        async with asyncio.timeout(timeout):
            await client.ping()


def conversation(key: ChatKey) -> str:
    """A conversation's name in keys and messages: ``chat:thread``."""
    return f"{key.chat_id}:{key.thread_id}"


@dataclass(frozen=True, slots=True)
class RedisKeys:
    """Names of every key and channel under one prefix (see the module docstring)."""

    prefix: str = "llmbot:"

    def turn(self, key: ChatKey) -> list[str]:
        """The holder, line and seen keys of a conversation, in that order."""
        base = f"{self.prefix}turn:{conversation(key)}"
        return [f"{base}:holder", f"{base}:line", f"{base}:seen"]

    def holder(self, key: ChatKey) -> str:
        """The key naming who holds a conversation's turn."""
        return self.turn(key)[0]

    def pace(self, chat_id: int) -> str:
        """A chat's next slot and 429 window."""
        return f"{self.prefix}pace:{chat_id}"

    @property
    def limiter(self) -> str:
        """The bot-wide call limiter's state."""
        return f"{self.prefix}limiter"

    def update(self, update_id: int) -> str:
        """The marker of a handled update."""
        return f"{self.prefix}update:{update_id}"

    def worker(self, worker_id: str) -> str:
        """A worker's liveness key."""
        return f"{self.prefix}worker:{worker_id}"

    @property
    def freed_channel(self) -> str:
        """Where a conversation whose turn became free is announced."""
        return f"{self.prefix}turn-freed"

    @property
    def stop_channel(self) -> str:
        """Where a request to stop an answer goes, to whichever worker writes it."""
        return f"{self.prefix}turn-stop"

    @property
    def settings_channel(self) -> str:
        """Where changed bot-wide settings are announced."""
        return f"{self.prefix}settings"
