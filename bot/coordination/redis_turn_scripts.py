"""The Lua scripts behind :class:`~bot.coordination.redis_turns.RedisTurns`.

Each runs atomically in Redis and reads the server's clock (``TIME``), so
workers whose clocks disagree still agree on leases and deadlines. Times are
integer microseconds; ``%.0f`` keeps them exact where Lua would print ``1.7e+15``.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

_NOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
"""

# KEYS: holder, line, seen. ARGV: token, holder value, lease (ms), max waiting.
# Returns {'taken', 0}, {'busy', 0} or {'wait', ms worth waiting before asking again}.
TAKE = _NOW + """
local lease_ms = tonumber(ARGV[3])
-- forget waiters whose worker stopped asking: it died, or it left without saying so
local seen = redis.call('HGETALL', KEYS[3])
for i = 1, #seen, 2 do
  if tonumber(seen[i + 1]) < now then
    redis.call('ZREM', KEYS[2], seen[i])
    redis.call('HDEL', KEYS[3], seen[i])
  end
end
local holder_ms = redis.call('PTTL', KEYS[1])
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  local queued = redis.call('ZCARD', KEYS[2])
  if (holder_ms ~= -2 or queued > 0) and queued >= tonumber(ARGV[4]) then
    return {'busy', 0}
  end
  local arrival = now
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  if #last > 0 and tonumber(last[2]) >= arrival then arrival = tonumber(last[2]) + 1 end
  redis.call('ZADD', KEYS[2], string.format('%.0f', arrival), ARGV[1])
end
local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
if holder_ms == -2 and head == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', lease_ms)
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
  return {'taken', 0}
end
redis.call('HSET', KEYS[3], ARGV[1], string.format('%.0f', now + lease_ms * 1000))
redis.call('PEXPIRE', KEYS[2], 2 * lease_ms)
redis.call('PEXPIRE', KEYS[3], 2 * lease_ms)
if holder_ms ~= -2 then return {'wait', holder_ms} end
-- free, but an earlier waiter goes first: it takes the turn soon, or its deadline passes
local deadline = tonumber(redis.call('HGET', KEYS[3], head)) or now
return {'wait', math.floor((deadline - now) / 1000)}
"""

# A holder's value is "{token} {asker_id}", with " {reason}" appended once a stop was
# requested: the request then also reaches a holder whose worker missed the announcement.
_OURS = """
local function ours(value, base)
  return value == base or (value and string.sub(value, 1, #base + 1) == base .. ' ')
end
"""

# KEYS: holder, line, seen. ARGV: token, holder value, freed channel, conversation.
# Drops the token's place in the line and its turn; wakes the line if the turn is free.
LEAVE = _OURS + """
if ours(redis.call('GET', KEYS[1]), ARGV[2]) then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) > 0 then
  redis.call('PUBLISH', ARGV[3], ARGV[4])
end
return 0
"""

# KEYS: holder keys. ARGV: lease (ms), then one holder value per key. Returns one word
# per key: 'held' (renewed), 'stop:{reason}' (renewed; stop requested) or 'lost'.
RENEW = _OURS + """
local states = {}
for i = 1, #KEYS do
  local value = redis.call('GET', KEYS[i])
  if ours(value, ARGV[i + 1]) then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
    if value == ARGV[i + 1] then
      states[i] = 'held'
    else
      states[i] = 'stop:' .. string.sub(value, #ARGV[i + 1] + 2)
    end
  else
    states[i] = 'lost'
  end
end
return states
"""

# KEYS: holder. ARGV: stop channel, reason. 1 when someone held the turn and was told.
STOP = """
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local token, asker, asked = string.match(value, '^(%S+) (%S+) ?(%S*)$')
if asked == '' then
  redis.call('SET', KEYS[1], token .. ' ' .. asker .. ' ' .. ARGV[2], 'KEEPTTL')
end
redis.call('PUBLISH', ARGV[1], token .. ' ' .. ARGV[2])
return 1
"""


@dataclass(frozen=True, slots=True)
class TurnScripts:
    """The turn scripts, registered on one client (loaded into Redis on first use)."""

    take: AsyncScript
    leave: AsyncScript
    renew: AsyncScript
    stop: AsyncScript

    @classmethod
    def register(cls, client: Redis) -> TurnScripts:
        """Register every script on ``client``."""
        return cls(take=client.register_script(TAKE), leave=client.register_script(LEAVE),
                   renew=client.register_script(RENEW), stop=client.register_script(STOP))
