"""Helpers shared by the streaming tests: chats, a paced fake provider, call queries."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from bot.streaming import StreamWriter
from tests.fakes.telegram import Call, FakeClock, FakeTelegram

PRIVATE = 501  # a user's private chat
GROUP = -1001234  # a supergroup
OTHER_GROUP = -1005678


async def feed(
    clock: FakeClock, writer: StreamWriter, pieces: Iterable[str], every: float = 0.02
) -> None:
    """A provider: one piece every ``every`` seconds (≈50 pieces/s by default)."""
    for piece in pieces:
        writer.append(piece)
        await clock.sleep(every)


def words(text: str) -> list[str]:
    """``text`` cut into word-sized pieces (each keeps its trailing whitespace)."""
    pieces: list[str] = []
    for token in text.split(" "):
        pieces.append(token + " ")
    pieces[-1] = pieces[-1][:-1]
    return [p for p in pieces if p]


def message_calls(telegram: FakeTelegram, chat_id: int) -> list[Call]:
    """Calls that count against a chat's message limits (everything but chat actions)."""
    return [c for c in telegram.calls(chat_id=chat_id) if c.method != "sendChatAction"]


def spacing(calls: list[Call]) -> list[float]:
    """Time between consecutive calls."""
    return [b.at - a.at for a, b in itertools.pairwise(calls)]
