"""Pacing across workers: each chat's next slot and 429 window, and one bot-wide GCRA.

The same rules as :mod:`bot.coordination.memory_pacing`, as Lua scripts on
Redis's clock (``TIME``, integer microseconds), so every worker books from one
schedule whatever its own clock says. A key expires once its times have passed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.coordination.redis_store import RedisKeys, unavailable

_MICRO = 1_000_000
_NOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local EPSILON = 1
local function expire_after(key, last)
  redis.call('PEXPIRE', key, math.max(1, math.ceil((last - now) / 1000)) + 1000)
end
"""

# KEYS: pace. ARGV: interval (µs), burst token ('' for none). Returns 0 (slot taken) or µs
# to wait. A burst skips the spacing (never a 429 window); after one answer's burst, another
# answer may burst only an interval later (the same answer may go on: its last messages).
_CLAIM = _NOW + """
local slots = redis.call('HMGET', KEYS[1], 'next', 'blocked', 'burst_until', 'burst_by')
local next_at = tonumber(slots[1]) or 0
local blocked = tonumber(slots[2]) or 0
local burst_until = tonumber(slots[3]) or 0
local spaced = math.max(next_at, blocked)
local bursting = ARGV[2] ~= '' and (burst_until <= now + EPSILON or slots[4] == ARGV[2])
local ready = spaced
if bursting then ready = blocked end
if ready > now + EPSILON then return ready - now end
local interval = tonumber(ARGV[1])
local last = now + interval
if spaced > now + EPSILON then
  redis.call('HSET', KEYS[1], 'burst_until', string.format('%.0f', last), 'burst_by', ARGV[2])
end
redis.call('HSET', KEYS[1], 'next', string.format('%.0f', last))
expire_after(KEYS[1], math.max(last, blocked))
return 0
"""

# KEYS: pace. ARGV: seconds of the 429 window (µs).
_BLOCK = _NOW + """
local slots = redis.call('HMGET', KEYS[1], 'next', 'blocked')
local blocked = math.max(tonumber(slots[2]) or 0, now + tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'blocked', string.format('%.0f', blocked))
expire_after(KEYS[1], math.max(tonumber(slots[1]) or 0, blocked))
return 0
"""

# KEYS: pace. Returns µs left of the 429 window (0 when none).
_BLOCKED_FOR = _NOW + """
local left = (tonumber(redis.call('HGET', KEYS[1], 'blocked')) or 0) - now
if left > EPSILON then return left end
return 0
"""

# KEYS: limiter. ARGV: spacing (µs), tolerance (µs), 'try' or 'book'.
# Returns {1, µs to wait, booked slot (µs)} or {0, 0, 0} when 'try' finds no free slot.
_RESERVE = _NOW + """
local spacing = tonumber(ARGV[1])
local due = math.max(tonumber(redis.call('GET', KEYS[1])) or now, now)
local start = due - tonumber(ARGV[2])
if ARGV[3] == 'try' and start > now + EPSILON then return {0, 0, 0} end
redis.call('SET', KEYS[1], string.format('%.0f', due + spacing))
expire_after(KEYS[1], due + spacing)
return {1, math.max(0, start - now), string.format('%.0f', due)}
"""


class RedisPaceStore:
    """:class:`~bot.coordination.base.PaceStore` shared by every worker."""

    def __init__(self, client: Redis, keys: RedisKeys) -> None:
        self._keys = keys
        self._claim = client.register_script(_CLAIM)
        self._block = client.register_script(_BLOCK)
        self._blocked_for = client.register_script(_BLOCKED_FOR)

    async def claim(self, chat_id: int, interval: float, *, burst: str | None = None) -> float:
        """Take the chat's next slot now (0.0), or say how many seconds until it is free."""
        with unavailable("claiming a chat's call slot"):
            wait = await self._claim(keys=[self._keys.pace(chat_id)],
                                     args=[round(interval * _MICRO), burst or ""])
        return int(wait) / _MICRO

    async def block(self, chat_id: int, seconds: float) -> None:
        """Nothing goes to this chat for ``seconds`` (on any worker)."""
        with unavailable("recording a 429 window"):
            await self._block(keys=[self._keys.pace(chat_id)], args=[round(seconds * _MICRO)])

    async def blocked_for(self, chat_id: int) -> float:
        """Seconds left of the chat's 429 window."""
        with unavailable("reading a 429 window"):
            left = await self._blocked_for(keys=[self._keys.pace(chat_id)])
        return int(left) / _MICRO


@dataclass(frozen=True, slots=True)
class Booking:
    """One call's place in the bot-wide schedule."""

    wait: float  # seconds until the call may go out
    slot: int  # the booked theoretical arrival time (Redis server µs): one ``spacing`` apart


class RedisCallLimiter:
    """:class:`~bot.coordination.base.CallLimiter`: one GCRA for every worker of the bot.

    ``acquire`` books its slot in Redis before sleeping, so callers on every
    worker queue in arrival order instead of waking together.
    """

    def __init__(self, client: Redis, keys: RedisKeys, rate: float, burst: int) -> None:
        self._keys = keys
        self._spacing = round(_MICRO / rate)
        self._tolerance = (burst - 1) * self._spacing
        self._reserve = client.register_script(_RESERVE)

    async def book(self) -> Booking:
        """Book the next slot (the part of :meth:`acquire` that talks to Redis)."""
        with unavailable("booking a Telegram call slot"):
            _, wait, slot = await self._reserve(
                keys=[self._keys.limiter], args=[self._spacing, self._tolerance, "book"])
        return Booking(int(wait) / _MICRO, int(slot))

    async def acquire(self) -> None:
        """Wait for a slot (returns at once while the burst allowance lasts)."""
        booking = await self.book()
        if booking.wait > 0:
            await asyncio.sleep(booking.wait)

    async def try_acquire(self) -> bool:
        """Take a slot only if one is free right now."""
        with unavailable("taking a Telegram call slot"):
            taken, _, _ = await self._reserve(
                keys=[self._keys.limiter], args=[self._spacing, self._tolerance, "try"])
        return bool(taken)
