"""Telegram renderers for streamed answers: drafts and progressive edits.

The chat service opens one writer per answer (``Streamer.open``), appends the
provider's pieces without waiting and calls ``finish``; everything Telegram
needs (pacing, flood control, splitting, formatting) happens behind it.
"""

from bot.streaming.base import AnswerWriter, ChatTarget, Decor, Delivery, LiveMessage, StopButton
from bot.streaming.config import StreamConfig
from bot.streaming.streamer import Streamer
from bot.streaming.writer import StreamWriter

__all__ = [
    "AnswerWriter",
    "ChatTarget",
    "Decor",
    "Delivery",
    "LiveMessage",
    "StopButton",
    "StreamConfig",
    "StreamWriter",
    "Streamer",
]
