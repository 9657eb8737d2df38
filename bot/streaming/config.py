"""Tunables of the Telegram renderers, passed in as plain values by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TELEGRAM_TEXT_LIMIT = 4096  # characters after entity parsing; we count UTF-16 units (never fewer)


@dataclass(frozen=True, slots=True)
class StreamConfig:
    """How answers are streamed into Telegram.

    ``mode``, ``edit_interval_private`` and ``edit_interval_group`` come from
    ``STREAM_MODE``, ``EDIT_INTERVAL_PRIVATE`` and ``EDIT_INTERVAL_GROUP``; the
    rest have defaults that follow Telegram's published limits.
    """

    mode: Literal["edit", "draft"] = "edit"
    edit_interval_private: float = 1.0  # Telegram: about one message per second per chat
    edit_interval_group: float = 3.0  # Telegram: about 20 messages per minute per group
    global_rate: float = 30.0  # calls per second over all chats (Telegram's bulk limit)
    global_burst: int = 10  # at most rate + burst calls in any one second
    first_word_wait: float = 0.3  # longest wait for a word boundary before the first text
    typing_every: float = 4.0  # Telegram shows "typing…" for up to 5 s
    part_limit: int = 4000  # UTF-16 units per streamed message; margin under 4096 for rendering
    flood_backoff_factor: float = 2.0  # interval multiplier after a 429
    flood_max_interval: float = 30.0  # the adapted interval never grows beyond this
    flood_recovery_half_life: float = 60.0  # seconds for the extra interval to halve again
    retry_after_margin: float = 0.1  # added to retry_after: arrival lags the send
    network_backoff_initial: float = 0.5
    network_backoff_max: float = 10.0
    network_give_up: float = 120.0  # continuous network failure after which the answer is dropped
    request_timeout: int = 20  # seconds per Telegram call

    def __post_init__(self) -> None:
        """Reject values that would break pacing or splitting (a programming error)."""
        if self.mode not in ("edit", "draft"):
            raise ValueError(f"mode must be 'edit' or 'draft', not {self.mode!r}")
        if self.edit_interval_private <= 0 or self.edit_interval_group <= 0:
            raise ValueError("edit intervals must be positive")
        if not 64 <= self.part_limit <= TELEGRAM_TEXT_LIMIT:
            raise ValueError(f"part_limit must be within 64..{TELEGRAM_TEXT_LIMIT}")
        if self.global_rate <= 0 or self.global_burst < 1:
            raise ValueError("global_rate must be positive and global_burst at least 1")

    def interval(self, private: bool) -> float:
        """The configured minimum spacing of calls to one chat."""
        return self.edit_interval_private if private else self.edit_interval_group
