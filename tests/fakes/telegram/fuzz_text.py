"""Random message text for fuzzing: odd Unicode of every size, and entities that still validate.

Sizes and entity offsets are counted in UTF-16 code units, as Telegram counts
them; a text never exceeds 4096 units. Pieces cover right-to-left scripts and
direction marks, combining marks, ZWJ emoji sequences, astral characters (never
a lone surrogate), control characters including NUL, and invisible format
characters. Entities lie inside the text but may split a surrogate pair, overlap,
nest, or come by the thousand.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from tests.fakes.telegram.validation import utf16_units

MAX_UNITS = 4096

_WORDS = ("hello", "what", "is", "the", "answer", "please", "model", "explain", "code", "42")
_RTL = ("שלום עולם", "مرحبا بالعالم", "\u200fמה\u200f", "\u202eevil\u202c", "\u2067عربي\u2069")
_ZWJ = (
    "👨\u200d👩\u200d👧\u200d👦",
    "🏳️\u200d🌈",
    "🧑🏽\u200d💻",
    "👩\u200d❤️\u200d💋\u200d👨",
    "🇺🇦",
    "1️⃣",
    "🫠",
)
_FORMAT = "\u200b\u200c\u200d\u2060\ufeff\u2028\u2029\u00ad\u061c"
_SPACES = (" ", "\n", "\t", "\r\n", "\u00a0", "\u3000", "\n\n\n")
_MARKUP = ("*bold*", "_it_", "`code`", "```py\nx\n```", "<b>", "</i>", "&amp;", "[a](b)", "\\")

ENTITY_TYPES = (
    "mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "bold",
    "italic", "underline", "strikethrough", "spoiler", "blockquote", "expandable_blockquote",
    "code", "pre", "text_link", "text_mention", "custom_emoji", "date_time",
)


class TextFuzzer:
    """Seeded builder of odd texts, entity lists and short strings."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._pieces: list[Callable[[], str]] = [
            lambda: rng.choice(_WORDS),
            lambda: "Привет, мир",
            lambda: rng.choice(_RTL),
            lambda: rng.choice("aeiouz") + "".join(
                chr(rng.randint(0x300, 0x36F)) for _ in range(rng.randint(1, 24))),
            lambda: rng.choice(_ZWJ),
            lambda: chr(rng.randint(0x10000, 0x10FFFF)),
            lambda: chr(rng.choice((*range(0x20), 0x7F, *range(0x80, 0xA0)))),
            lambda: "\x00",
            lambda: rng.choice(_FORMAT),
            lambda: rng.choice(_SPACES),
            lambda: rng.choice(_MARKUP),
            lambda: "汉字かなカナ한글",
        ]

    def size(self) -> int:
        """A text length in UTF-16 units: mostly short, sometimes up to the limit."""
        roll = self.rng.random()
        if roll < 0.35:
            return self.rng.randint(1, 12)
        if roll < 0.75:
            return self.rng.randint(12, 300)
        if roll < 0.95:
            return self.rng.randint(300, MAX_UNITS)
        return MAX_UNITS

    def text(self, units: int | None = None) -> str:
        """A text of at most ``units`` UTF-16 units (a random size when None); never empty."""
        limit = self.size() if units is None else units
        parts: list[str] = []
        used = 0
        while used < limit:
            piece = self.rng.choice(self._pieces)()
            if self.rng.random() < 0.5:
                piece += " "
            cost = utf16_units(piece)
            if used + cost > limit:
                piece = _fit(piece, limit - used)
                cost = utf16_units(piece)
                if not cost:
                    break
            parts.append(piece)
            used += cost
        return "".join(parts) or "?"

    def short(self, units: int = 24) -> str:
        """A short odd string (names, titles, queries)."""
        return self.text(self.rng.randint(1, units))

    def entities(self, text: str, count: int | None = None) -> list[dict[str, Any]]:
        """Entities inside ``text`` (by UTF-16 units): random kinds, overlaps, odd offsets."""
        size = utf16_units(text)
        if count is None:
            roll = self.rng.random()
            count = 0 if roll < 0.4 else self.rng.randint(1, 6) if roll < 0.97 \
                else self.rng.randint(100, 3000)
        found = []
        for _ in range(count if size else 0):
            offset = self.rng.randrange(size)
            length = self.rng.randint(1, min(size - offset, 64 if count > 50 else size))
            found.append(self.entity(self.rng.choice(ENTITY_TYPES), offset, length))
        return found

    def entity(self, kind: str, offset: int, length: int) -> dict[str, Any]:
        """One entity of ``kind`` with the fields that kind needs."""
        entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
        if kind == "text_link":
            entity["url"] = self.rng.choice(("https://example.org/x", "tg://user?id=1", "http://a"))
        elif kind == "text_mention":
            entity["user"] = {"id": self.rng.randint(1, 2**40), "is_bot": False,
                              "first_name": self.short(8)}
        elif kind == "pre" and self.rng.random() < 0.5:
            entity["language"] = self.rng.choice(("python", "", "../../etc", "c++"))
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = str(self.rng.randint(1, 2**63))
        elif kind == "date_time":
            entity["unix_time"] = self.rng.randint(0, 2**32)
        return entity


def _fit(piece: str, units: int) -> str:
    """The longest prefix of ``piece`` within ``units`` UTF-16 units (pairs kept whole)."""
    kept: list[str] = []
    for char in piece:
        units -= 2 if ord(char) > 0xFFFF else 1
        if units < 0:
            break
        kept.append(char)
    return "".join(kept)
