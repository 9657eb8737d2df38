"""Lists that fit in one Telegram message: as many items as there is room for, then a count."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.streaming.config import TELEGRAM_TEXT_LIMIT
from bot.streaming.splitting import shorten, utf16_len


def room_for(template: str) -> int:
    """UTF-16 units left in one message for whatever fills the blank of ``template``."""
    return max(0, TELEGRAM_TEXT_LIMIT - utf16_len(template))


def fitted(items: Sequence[str], budget: int, *, separator: str,
           more: Callable[[int], str], limit: int | None = None) -> str:
    """The first ``items`` joined by ``separator``, then ``more(n)`` for the ``n`` left out.

    At most ``limit`` items are shown, and the whole never exceeds ``budget``
    UTF-16 units (Telegram's measure), so a list of 600 models becomes a few
    names and "… and 590 more" instead of a message Telegram refuses.
    """
    gap = utf16_len(separator)
    # Room for the widest "and n more" (n never exceeds the number of items).
    reserve = gap + utf16_len(more(len(items)))
    shown: list[str] = []
    used = 0
    for position, item in enumerate(items):
        if limit is not None and position >= limit:
            break
        cost = utf16_len(item) + (gap if shown else 0)
        last = position == len(items) - 1
        if used + cost + (0 if last else reserve) > budget:
            break
        shown.append(item)
        used += cost
    hidden = len(items) - len(shown)
    if not hidden:
        return separator.join(shown)
    return shorten(separator.join([*shown, more(hidden)]), budget)
