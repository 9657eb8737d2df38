"""The text of one answer as it grows: pieces, parts (messages) and their final renderings."""

from __future__ import annotations

import unicodedata

from bot.streaming.render import Rendered, render_markdown
from bot.streaming.splitting import Fence, Part, next_part, prefix_for


def _is_boundary(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


class AnswerText:
    """Accumulates pieces cheaply and cuts the text into parts of at most ``limit`` units.

    Parts before the last are closed: their text never changes again, so they
    can be rendered and delivered while the rest is still streaming.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._pieces: list[str] = []
        self.closed: list[Part] = []
        self._open_start = 0
        self._open_fence: Fence | None = None
        self._renders: dict[int, Rendered] = {}
        self._has_letters = False
        self.word_seen = False  # a whole word (text followed by a space or punctuation) arrived

    def append(self, piece: str) -> bool:
        """Add a piece; True when it is the first piece with visible content."""
        first = not self._has_letters
        self._pieces.append(piece)
        if not self.word_seen:
            for char in piece:
                if not _is_boundary(char):
                    self._has_letters = True
                elif self._has_letters:
                    self.word_seen = True
                    break
        return first and self._has_letters

    def snapshot(self) -> str:
        """The whole text so far (joins pending pieces once)."""
        if len(self._pieces) > 1:
            self._pieces = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    def advance(self) -> str:
        """Close every part that no longer fits; return the current text."""
        text = self.snapshot()
        while (
            part := next_part(text, self._open_start, self._open_fence, self._limit)
        ) is not None:
            self.closed.append(part)
            self._open_start, self._open_fence = part.end, part.fence
        return text

    def open_part(self, text: str) -> Part:
        """The part still growing (the last one)."""
        return Part(self._open_start, len(text), prefix_for(self._open_fence))

    def streaming_text(self, text: str) -> str:
        """What the growing part shows while streaming: its Markdown as plain text."""
        return self.open_part(text).text(text).strip()

    def final_parts(self) -> list[Part]:
        """All parts of the text as it is now, the last one included (call when finishing)."""
        text = self.advance()
        return [*self.closed, self.open_part(text)]

    def rendered(self, index: int, part: Part) -> Rendered:
        """The final rendering of a part (computed once; parts given here never change)."""
        if index not in self._renders:
            self._renders[index] = render_markdown(part.text(self.snapshot()))
        return self._renders[index]

    def make_plain(self, index: int) -> None:
        """Telegram refused this part's entities: deliver the same text without them."""
        if index in self._renders:
            self._renders[index] = Rendered(self._renders[index].text)
