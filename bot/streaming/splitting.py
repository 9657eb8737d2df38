"""Splitting a growing Markdown answer into Telegram-sized parts.

A part is ``prefix + text[start:end] + suffix``: when a cut falls inside a
fenced code block, the part is closed with the fence and the next one reopens
it with the same opening line (language tag included). Lengths are counted in
UTF-16 code units, the measure Telegram's limits are safe under.

Every cut depends only on the text before the window end, so appending more
text never moves a cut already made: the parts of a streamed answer are the
parts of its final text (see :func:`split_parts`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_OPEN = re.compile(r" {0,3}(`{3,}[^`]*|~{3,}.*)")
_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")
_ZWJ = "\u200d"
_LANGUAGE_MAX = 24
# A longer run of backticks or tildes is text, not a fence: reopening such a "block" in
# every part would eat the part (thousands of backticks made thousands of messages).
_MARKER_MAX = 16


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (characters above U+FFFF count twice)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True, slots=True)
class Fence:
    """An open fenced code block: its marker (```` ``` ````, ``~~~~``…) and opening line."""

    marker: str
    opening: str  # marker and language tag: the line that reopens the block in the next part
    line_start: int  # where the opening line begins in the answer

    def closed_by(self, line: str) -> bool:
        """Whether ``line`` (without its newline) closes this block."""
        match = _CLOSE.fullmatch(line)
        if match is None:
            return False
        found = match.group(1)
        return found[0] == self.marker[0] and len(found) >= len(self.marker)


def _open_fence(line: str, line_start: int) -> Fence | None:
    match = _OPEN.fullmatch(line)
    if match is None:
        return None
    opening = match.group(1)
    marker = opening[: len(opening) - len(opening.lstrip(opening[0]))]
    if len(marker) > _MARKER_MAX:
        return None
    info = opening[len(marker) :].split()
    language = info[0][:_LANGUAGE_MAX] if info else ""  # all a reopened block needs
    opening = f"{marker} {language}" if language[:1] == marker[0] else marker + language
    return Fence(marker=marker, opening=opening, line_start=line_start)


def fence_after(text: str, start: int, end: int, fence: Fence | None) -> Fence | None:
    """The fence open at ``end`` (a cut) given the one open at ``start``.

    Lines are judged as the part will show them: a line cut at ``end`` counts
    as a complete line here (it is the part's last line), and its rest is
    judged as the next part's first line.
    """
    pos = start
    while pos < end:
        newline = text.find("\n", pos, end)
        line_end = end if newline < 0 else newline
        line = text[pos:line_end]
        if fence is None:
            fence = _open_fence(line, pos)
        elif fence.closed_by(line):
            fence = None
        pos = line_end + 1
    return fence


def prefix_for(fence: Fence | None) -> str:
    """What a part starting inside ``fence`` begins with."""
    return "" if fence is None else fence.opening + "\n"


@dataclass(frozen=True, slots=True)
class Part:
    """One Telegram message worth of the answer."""

    start: int
    end: int
    prefix: str = ""  # reopens a code block cut by the previous part
    suffix: str = ""  # closes a code block cut by this part's end
    fence: Fence | None = None  # the block still open at ``end``

    def text(self, answer: str) -> str:
        """This part's Markdown."""
        return self.prefix + answer[self.start : self.end] + self.suffix


def _breaks_cluster(text: str, cut: int) -> bool:
    """Whether cutting before ``text[cut]`` splits a character a reader sees as one."""
    after, before = text[cut], text[cut - 1]
    if "\udc00" <= after <= "\udfff" and "\ud800" <= before <= "\udbff":
        return True  # a surrogate pair stored as two code points
    if before == _ZWJ or after in (_ZWJ, "\ufe0f", "\u20e3"):
        return True
    if "\U0001f3fb" <= after <= "\U0001f3ff" or unicodedata.combining(after):
        return True
    if "\U0001f1e6" <= after <= "\U0001f1ff":  # regional indicators pair up into flags
        run = 0
        while cut - run - 1 >= 0 and "\U0001f1e6" <= text[cut - run - 1] <= "\U0001f1ff":
            run += 1
        return run % 2 == 1
    return False


def _hard_end(text: str, start: int, budget: int) -> int:
    """The furthest cut keeping ``text[start:cut]`` within ``budget`` units and clusters whole."""
    end = min(len(text), start + budget)  # every character takes at least one unit
    units = utf16_len(text[start:end])
    while units > budget:
        end -= 1
        units -= 2 if ord(text[end]) > 0xFFFF else 1
    if end >= len(text):
        return end
    for back in range(16):  # a cluster longer than that is cut anyway
        if end - back <= start + 1 or not _breaks_cluster(text, end - back):
            return end - back
    return end


def _choose_cut(text: str, start: int, budget: int) -> tuple[int, int]:
    """The best cut within ``budget`` (paragraph, line, space, else hard) and the window's end.

    Only ``text[:window end + 1]`` is looked at, which is what keeps cuts stable as text grows.
    """
    hard = _hard_end(text, start, budget)
    floor = start + (hard - start) // 2  # a cut earlier than this wastes most of a message
    candidates: list[int] = []
    for sep in ("\n\n", "\n", " "):
        found = text.rfind(sep, start, hard)
        candidates.append(found + len(sep) if found >= 0 else -1)
    for low in (floor, start + 1):
        for cut in candidates:
            if cut >= low:
                return cut, hard
    return max(hard, start + 1), hard


def _adjust_for_fence(text: str, start: int, cut: int, hard: int, fence: Fence | None) -> int:
    """Move a cut that would leave an empty code block on either side of it."""
    if fence is None:
        return cut
    newline = text.find("\n", fence.line_start, cut)
    opening_end = cut if newline < 0 else newline + 1
    if cut == opening_end and fence.line_start > start:
        return fence.line_start  # nothing of the block here yet: move the whole block on
    line_end = text.find("\n", cut, hard)
    if line_end >= 0 and fence.closed_by(text[cut:line_end]):
        previous = text.rfind("\n", max(start, opening_end), cut - 1)
        if previous >= 0 and previous + 1 > max(start, opening_end):
            return previous + 1  # keep a code line for the next part, not just the fence
    return cut


def next_part(text: str, start: int, fence: Fence | None, limit: int) -> Part | None:
    """The part beginning at ``start`` if the rest no longer fits in one message, else None."""
    prefix = prefix_for(fence)
    budget = limit - utf16_len(prefix)
    remaining = len(text) - start  # characters; never more than UTF-16 units
    if remaining <= budget // 2 or (remaining <= budget and utf16_len(text[start:]) <= budget):
        return None
    reserve = 0
    while True:
        cut, hard = _choose_cut(text, start, max(1, budget - reserve))
        open_fence = fence_after(text, start, cut, fence)
        adjusted = _adjust_for_fence(text, start, cut, hard, open_fence)
        if adjusted != cut:
            cut = adjusted
            open_fence = fence_after(text, start, cut, fence)
        suffix = ""
        if open_fence is not None:
            suffix = ("" if text[cut - 1] == "\n" else "\n") + open_fence.marker
        if utf16_len(suffix) <= reserve:
            return Part(start, cut, prefix, suffix, open_fence)
        reserve = utf16_len(suffix)


def split_parts(text: str, limit: int) -> list[Part]:
    """All parts of a complete answer; the last one holds whatever remains."""
    parts: list[Part] = []
    start, fence = 0, None
    while (part := next_part(text, start, fence, limit)) is not None:
        parts.append(part)
        start, fence = part.end, part.fence
    parts.append(Part(start, len(text), prefix_for(fence), "", None))
    return parts


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-16 units, ending with an ellipsis when cut."""
    if utf16_len(text) <= limit:
        return text
    return text[: _hard_end(text, 0, limit - 1)].rstrip() + "…"
