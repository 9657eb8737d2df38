"""Section 1: how long after the provider writes does a reader see text, and a whole word."""

from __future__ import annotations

import asyncio
import random
import re
import statistics

from bench.streaming.remote import RemoteTelegram
from bench.streaming.workload import PIECE_EVERY, answer_text, pieces_of
from bot.clock import LoopClock
from bot.streaming import ChatTarget, StreamConfig, Streamer


def quantiles(values: list[float]) -> str:
    """Median and p99 (and max) in milliseconds."""
    if not values:
        return "n/a"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered) * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms   "
        f"max {ordered[-1] * 1000:7.1f} ms   (n={len(ordered)})"
    )


async def bench_latency(remote: RemoteTelegram, answers: int, rng: random.Random) -> None:
    """Added latency of the first visible text and of the first visible whole word."""
    bot = remote.bot()
    streamer = Streamer(bot, StreamConfig())
    loop, clock = asyncio.get_running_loop(), LoopClock()
    marks: dict[int, tuple[float, float, str]] = {}

    async def one(chat: int) -> None:
        text = answer_text(rng, 12)
        first_word = re.match(r"\w+", text).group(0)  # type: ignore[union-attr]
        pieces = pieces_of(text, rng)
        async with streamer.open(ChatTarget(chat, private=True)) as writer:
            first_at = word_at = 0.0
            written = ""
            for piece in pieces:
                writer.append(piece)
                written += piece
                now = loop.time()
                first_at = first_at or now
                if not word_at and len(written) >= len(first_word):
                    word_at = now  # the model has now written the whole first word
                await clock.sleep(PIECE_EVERY)
            await writer.finish()
        marks[chat] = (first_at, word_at, first_word)

    tasks = []
    for i in range(answers):  # staggered, ≈7 answers starting per second
        tasks.append(asyncio.create_task(one(100_000 + i)))
        await asyncio.sleep(0.15)
    await asyncio.gather(*tasks)
    await streamer.aclose()
    await bot.session.close()
    report = remote.report()

    to_text, to_word, late = [], [], 0
    for chat, (first_at, word_at, word) in marks.items():
        calls = report["first"][chat]
        to_text.append(calls[0][0] - first_at)
        whole = [at for at, text in calls if re.match(rf"{word}\W", text + " ")]
        if whole:
            to_word.append(whole[0] - word_at)
        else:
            late += 1  # not even in the answer's first four calls
    print("1. Latency (real clock; fake Bot API over HTTP in another process)")
    print(f"   first piece -> first visible text:        {quantiles(to_text)}")
    print(f"   first whole word written -> visible:      {quantiles(to_word)}")
    print(f"   429s: {report['429']}; first word not visible within 4 calls: {late}\n")
