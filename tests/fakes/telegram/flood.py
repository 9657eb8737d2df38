"""Telegram-like flood control: token buckets per chat and bot-wide, answering 429."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tests.fakes.telegram.errors import TelegramError

FLOOD_METHODS = frozenset(
    {
        "sendmessage",
        "editmessagetext",
        "editmessagereplymarkup",
        "sendmessagedraft",
        "sendphoto",
        "senddocument",
        "copymessage",
        "forwardmessage",
    }
)
# Methods aimed at one chat: a blocked chat refuses them, a chat's window counts them.
CHAT_METHODS = FLOOD_METHODS | {"sendchataction", "deletemessage"}


@dataclass(frozen=True)
class FloodRules:
    """Telegram-like limits (set ``enabled=False`` to switch flood control off)."""

    private_rate: float = 1.0  # messages per second in a private chat
    private_burst: float = 3.0
    group_rate: float = 20 / 60  # messages per second in a group
    group_burst: float = 3.0
    global_rate: float = 30.0
    global_burst: float = 30.0
    penalty: float = 2.0  # seconds added for every call made inside a window
    enabled: bool = True


class Bucket:
    """One token bucket, with the window during which it refuses every call."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst, self.tokens, self.updated = rate, burst, burst, now
        self.window_until = -math.inf

    def take(self, now: float, penalty: float) -> int | None:
        """Take a token; else the retry_after to answer (and a longer window if inside one)."""
        if now < self.window_until:
            self.window_until += penalty
            return math.ceil(self.window_until - now)
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1 - 1e-9:
            self.tokens -= 1
            return None
        wait = math.ceil((1 - self.tokens) / self.rate)
        self.window_until = now + wait
        return wait


class FloodControl:
    """The buckets of every chat and the bot-wide one, created on first use."""

    def __init__(self) -> None:
        self._buckets: dict[int, Bucket] = {}
        self._global: Bucket | None = None

    def check(self, rules: FloodRules, method: str, chat_id: int, now: float) -> None:
        """Count a call of ``method`` (lower case) to ``chat_id``; raise 429 when refused."""
        if not rules.enabled:
            return
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            rate, burst = (
                (rules.private_rate, rules.private_burst)
                if chat_id > 0
                else (rules.group_rate, rules.group_burst)
            )
            bucket = self._buckets[chat_id] = Bucket(rate, burst, now)
        if method not in FLOOD_METHODS:  # chat actions: refused only inside a window
            retry = bucket.take(now, rules.penalty) if now < bucket.window_until else None
        else:
            retry = bucket.take(now, rules.penalty)
            if retry is None:
                if self._global is None:
                    self._global = Bucket(rules.global_rate, rules.global_burst, now)
                retry = self._global.take(now, 0.0)
                if retry is not None:
                    bucket.tokens += 1  # refused bot-wide: the chat's token is not spent
        if retry is not None:
            raise TelegramError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
