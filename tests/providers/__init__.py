"""Tests of the ``providers`` library, and the helpers they share."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator

from hypothesis import strategies as st

from providers.errors import ProviderError


async def collect(pieces: AsyncIterator[str]) -> list[str]:
    """Every piece of a stream that ends normally."""
    return [piece async for piece in pieces]


async def collect_until_error(pieces: AsyncIterator[str]) -> tuple[list[str], ProviderError]:
    """The pieces a stream produced before it failed, and its error."""
    received: list[str] = []
    try:
        async for piece in pieces:
            received.append(piece)
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
