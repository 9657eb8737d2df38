"""Albums: several messages sharing a ``media_group_id``, gathered into one question.

Telegram delivers an album as separate updates arriving within about a
second, usually with the caption on the first one only. The first message of
a group waits until the group has been quiet for a moment, then carries every
item; the others are absorbed and return at once.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.clock import Clock, LoopClock

T = TypeVar("T")


@dataclass
class _Group(Generic[T]):
    started: float
    last: float
    items: list[T] = field(default_factory=list)


class AlbumCollector(Generic[T]):
    """Groups items by key (e.g. ``(chat_id, media_group_id)``) until a quiet period passes."""

    def __init__(
        self, *, quiet: float = 1.0, max_wait: float = 3.0, clock: Clock | None = None
    ) -> None:
        self.quiet = quiet  # each new item restarts this wait
        self.max_wait = max_wait  # a group never waits longer than this from its first item
        self._clock = clock or LoopClock()
        self._groups: dict[Hashable, _Group[T]] = {}

    def __len__(self) -> int:
        """How many groups are being collected now (finished ones are forgotten)."""
        return len(self._groups)

    async def add(self, key: Hashable, item: T) -> list[T] | None:
        """Every item of ``key``'s group in arrival order for its first caller; None for others.

        The first caller returns once no item came for ``quiet`` seconds, or
        ``max_wait`` seconds after it arrived. An item arriving after that
        starts a new group. If the first caller is cancelled, its group is
        dropped.
        """
        now = self._clock.now()
        group = self._groups.get(key)
        if group is not None:
            group.items.append(item)
            group.last = now
            return None
        group = self._groups[key] = _Group(started=now, last=now, items=[item])
        try:
            while (remaining := self._deadline(group) - self._clock.now()) > 0:
                await self._clock.sleep(remaining)
        finally:
            del self._groups[key]
        return group.items

    def _deadline(self, group: _Group[T]) -> float:
        return min(group.last + self.quiet, group.started + self.max_wait)
