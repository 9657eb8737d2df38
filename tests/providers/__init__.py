"""Tests of the ``providers`` library, and the helpers they share."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator

from hypothesis import strategies as st

from providers.errors import ProviderError
from providers.events import StreamEvent, TextPiece

Pieces = AsyncIterator[str] | AsyncIterator[StreamEvent]


def text_of(item: str | StreamEvent) -> str | None:
    """The text of a stream item: a ``str`` piece or a ``TextPiece`` (None for other events)."""
    if isinstance(item, str):
        return item
    return item.text if isinstance(item, TextPiece) else None


async def collect(pieces: Pieces) -> list[str]:
    """Every text piece of a stream (of strings or events) that ends normally."""
    return [text async for item in pieces if (text := text_of(item)) is not None]


async def collect_events(events: AsyncIterator[StreamEvent]) -> list[StreamEvent]:
    """Every event of a stream that ends normally."""
    return [event async for event in events]


async def collect_events_until_error(
    events: AsyncIterator[StreamEvent],
) -> tuple[list[StreamEvent], ProviderError]:
    """The events a stream produced before it failed, and its error."""
    received: list[StreamEvent] = []
    try:
        async for event in events:
            received.append(event)
    except ProviderError as exc:
        return received, exc
    raise AssertionError(f"the stream ended normally after {received!r}")


async def collect_until_error(pieces: Pieces) -> tuple[list[str], ProviderError]:
    """The text pieces a stream produced before it failed, and its error."""
    received: list[str] = []
    try:
        async for item in pieces:
            if (text := text_of(item)) is not None:
                received.append(text)
    except ProviderError as exc:
        return received, exc
    raise AssertionError(f"the stream ended normally after {received!r}")


def splits(data: bytes, *, pairs_up_to: int = 64) -> Iterator[list[bytes]]:
    """``data`` whole, cut at every offset, byte by byte, and (when short) at every pair."""
    yield [data]
    for i in range(len(data) + 1):
        yield [data[:i], data[i:]]
    yield [data[i:i + 1] for i in range(len(data))]
    if len(data) <= pairs_up_to:
        for i, j in itertools.combinations(range(1, len(data)), 2):
            yield [data[:i], data[i:j], data[j:]]


@st.composite
def chunked(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """A strategy: ``data`` cut at arbitrary offsets."""
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=12)))
    return [data[a:b] for a, b in itertools.pairwise([0, *cuts, len(data)])]
