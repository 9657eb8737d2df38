"""The fake Telegram Bot API under its original import path (it lives in ``tests.fakes.telegram``).

Tests and benchmarks import from here (``from tests.fakes.telegram_api import
FakeTelegram``); the package's docstring describes the fake.
"""

from tests.fakes.telegram import (
    NOT_MODIFIED,
    Call,
    FakeClock,
    FakeMessage,
    FakeTelegram,
    FloodRules,
    HoldClock,
    LocalSession,
    NowClock,
    TelegramError,
    local_bot,
    utf16_units,
)

__all__ = [
    "NOT_MODIFIED",
    "Call",
    "FakeClock",
    "FakeMessage",
    "FakeTelegram",
    "FloodRules",
    "HoldClock",
    "LocalSession",
    "NowClock",
    "TelegramError",
    "local_bot",
    "utf16_units",
]
