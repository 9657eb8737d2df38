"""Text-only views of an answer: what the seeds' one-call API and ``Provider.stream`` give."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator
from typing import Any

from providers.events import PieceEvent, TextPiece


async def text_pieces(events: AsyncGenerator[PieceEvent, None]) -> AsyncGenerator[str, None]:
    """Only the text pieces of ``events``, as strings; closes ``events`` when done."""
    try:
        async for event in events:
            if isinstance(event, TextPiece):
                yield event.text
    finally:
        await events.aclose()


class AnswerStream(AsyncIterator[str]):
    """An answer's text pieces: iterate it, or ``await`` it first and then iterate.

    Both styles appear in the seeds' documented examples.
    """

    def __init__(self, pieces: AsyncGenerator[str, None]) -> None:
        self._pieces = pieces

    def __aiter__(self) -> AnswerStream:
        return self

    async def __anext__(self) -> str:
        return await self._pieces.__anext__()

    def __await__(self) -> Generator[Any, None, AnswerStream]:
        return self._itself().__await__()

    async def _itself(self) -> AnswerStream:
        return self

    async def aclose(self) -> None:
        """Stop the stream early and release its connection."""
        await self._pieces.aclose()
