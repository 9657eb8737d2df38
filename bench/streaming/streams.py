"""Driving one answer's pieces through a streamer, and a streamer that does nothing."""

from __future__ import annotations

from bench.streaming.workload import PIECE_EVERY
from bot.clock import Clock
from bot.streaming import ChatTarget, Streamer


class NullWriter:
    """Takes pieces and does nothing: the provider's and the loop's own cost, for subtraction."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    async def __aenter__(self) -> NullWriter:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    def append(self, piece: str) -> None:
        """Keep the piece (and nothing else)."""
        self.pieces.append(piece)

    async def finish(self) -> None:
        """Nothing to finish."""


class NullStreamer:
    """A streamer whose writers never call Telegram."""

    def open(self, target: ChatTarget) -> NullWriter:
        """A writer for ``target`` that writes nowhere."""
        return NullWriter()

    async def aclose(self) -> None:
        """Nothing to close."""


async def stream(
    streamer: Streamer | NullStreamer, target: ChatTarget, pieces: list[str], clock: Clock
) -> None:
    """One answer: pieces every PIECE_EVERY seconds, then finish."""
    async with streamer.open(target) as writer:
        for piece in pieces:
            writer.append(piece)
            await clock.sleep(PIECE_EVERY)
        await writer.finish()
