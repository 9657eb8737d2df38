"""Section 2: one long answer in virtual time, per chat kind and streaming mode."""

from __future__ import annotations

import random
import time
from collections import Counter

from bench.streaming.remote import TOKEN
from bench.streaming.streams import stream
from bench.streaming.workload import answer_pieces
from bot.streaming import ChatTarget, StreamConfig, Streamer
from tests.fakes.telegram import FakeClock, FakeTelegram

_CASES = [
    ("private, edit mode", ChatTarget(1, private=True), StreamConfig()),
    ("private, draft mode", ChatTarget(2, private=True), StreamConfig(mode="draft")),
    ("group, edit mode", ChatTarget(-3, private=False), StreamConfig()),
    (
        "private, 0.3 s interval (too fast)",
        ChatTarget(4, private=True),
        StreamConfig(edit_interval_private=0.3),
    ),
    (
        "group, 1 s interval (too fast)",
        ChatTarget(-5, private=False),
        StreamConfig(edit_interval_group=1.0),
    ),
]


async def bench_long_answer(seconds: float, rng: random.Random) -> None:
    """Calls and 429s for one long answer, per chat kind and mode."""
    print(f"2. One {seconds:.0f} s answer at 50 pieces/s (virtual time shared by all parts)")
    pieces = answer_pieces(rng, seconds)
    for label, target, config in _CASES:
        clock = FakeClock()
        async with FakeTelegram(clock=clock, token=TOKEN) as telegram:
            clock.start_autojump()
            bot = telegram.bot(clock=clock)
            started = time.perf_counter()
            await stream(Streamer(bot, config, clock=clock), target, pieces, clock)
            real = time.perf_counter() - started
            await bot.session.close()
            await clock.stop()
        by_method = Counter(c.method for c in telegram.log)
        shown = ", ".join(f"{m} {n}" for m, n in sorted(by_method.items()))
        print(
            f"   {label:36} {len(telegram.log):4} calls, {telegram.count_429:2} x 429, "
            f"{len(telegram.visible_texts(target.chat_id))} message(s)  [{shown}]  "
            f"({real:.1f} s real)"
        )
    print()
