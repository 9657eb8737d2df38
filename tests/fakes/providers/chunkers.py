"""How an answer's body is cut into writes, so a test gets exactly the awkward delivery it needs."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Final, TypeAlias

Chunker: TypeAlias = Callable[[bytes], list[bytes]]


def whole(body: bytes) -> list[bytes]:
    """The body in one write."""
    return [body] if body else []


def every(size: int) -> Chunker:
    """Writes of ``size`` bytes each."""
    return lambda body: [body[i:i + size] for i in range(0, len(body), size)]


bytewise: Final = every(1)


def linewise(body: bytes) -> list[bytes]:
    """One write per line (terminator included): keep-alives then fall between lines."""
    return body.splitlines(keepends=True)


def by_event(body: bytes) -> list[bytes]:
    """One write per SSE event, so that a hold falls between pieces of text."""
    return [event + b"\n\n" for event in body.split(b"\n\n") if event]


def split_at(*offsets: int) -> Chunker:
    """Writes cut at these byte offsets."""
    def split(body: bytes) -> list[bytes]:
        bounds = [0, *sorted({o for o in offsets if 0 < o < len(body)}), len(body)]
        return [body[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    return split


def awkward(body: bytes) -> list[bytes]:
    """Cuts inside every multi-byte UTF-8 character, between every CR and LF, every 7 bytes."""
    def cut(i: int) -> bool:
        after_lead_byte = body[i - 1] >= 0xC0 and 0x80 <= body[i] < 0xC0
        return after_lead_byte or body[i - 1:i + 1] == b"\r\n" or i % 7 == 0
    return split_at(*(i for i in range(1, len(body)) if cut(i)))(body)
