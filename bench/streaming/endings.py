"""Section 1b: the end and the start of an answer — its last word, a reasoning model's status.

Real clock, fake Bot API in another process. "Last piece → final text" is the
time from the provider's last piece to the moment the chat shows the final,
formatted text; "first reasoning piece → thinking" is the time until a
reasoning model's "💭 Thinking…" status is visible.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

from bench.streaming.latency import quantiles
from bench.streaming.remote import RemoteTelegram
from bench.streaming.workload import PIECE_EVERY, answer_text, pieces_of
from bot.clock import LoopClock
from bot.streaming import ChatTarget, Decor, StopButton, StreamConfig, Streamer, StreamWriter

_DECOR = Decor(stop_button=StopButton("⏹ Stop", "stop"), thinking="💭 Thinking… {seconds} s")


Writing = Callable[[StreamWriter], Awaitable[float]]  # writes, returns the moment to measure from


async def _each_chat(remote: RemoteTelegram, chats: list[int], write: Writing) -> dict[int, float]:
    """Run ``write`` for a writer of each chat (staggered); the moments they marked."""
    bot = remote.bot()
    streamer = Streamer(bot, StreamConfig())
    marks: dict[int, float] = {}

    async def one(chat: int) -> None:
        async with streamer.open(ChatTarget(chat, private=chat > 0), decor=_DECOR) as writer:
            marks[chat] = await write(writer)
            await writer.finish()

    tasks = []
    for chat in chats:
        tasks.append(asyncio.create_task(one(chat)))
        await asyncio.sleep(0.1)
    await asyncio.gather(*tasks)
    await streamer.aclose()
    await bot.session.close()
    return marks


async def _last_words(remote: RemoteTelegram, chats: list[int], words: int, every: float,
                      rng: random.Random) -> list[float]:
    loop, clock = asyncio.get_running_loop(), LoopClock()

    async def write(writer: StreamWriter) -> float:
        last_piece = loop.time()
        for n, piece in enumerate(pieces_of(answer_text(rng, words), rng)):
            if n:
                await clock.sleep(every)
            writer.append(piece)
            last_piece = loop.time()  # the stream ends right after its last piece
        return last_piece

    last_piece = await _each_chat(remote, chats, write)
    final = remote.report()["final"]
    return [final[chat] - last_piece[chat] for chat in chats if final.get(chat) is not None]


async def _thinking(remote: RemoteTelegram, chats: list[int]) -> list[float]:
    loop = asyncio.get_running_loop()

    async def write(writer: StreamWriter) -> float:
        started = loop.time()
        writer.think()  # the first reasoning piece
        await asyncio.sleep(1.5)  # the model keeps thinking
        writer.append("Done.")
        return started

    started = await _each_chat(remote, chats, write)
    first = remote.report()["first"]
    return [first[chat][0][0] - started[chat] for chat in chats
            if first.get(chat) and first[chat][0][1].startswith("💭")]


async def bench_endings(remote: RemoteTelegram, answers: int, rng: random.Random) -> None:
    """Print the last-word and thinking-status latencies."""
    print("1b. The ends of an answer (real clock; fake Bot API in another process)")
    private = await _last_words(remote, [300_000 + i for i in range(answers)], 40,
                                PIECE_EVERY, rng)
    print(f"   last piece -> final text, private:        {quantiles(private)}")
    group = await _last_words(remote, [-(400_000 + i) for i in range(answers)], 40,
                              PIECE_EVERY, rng)
    print(f"   last piece -> final text, group:          {quantiles(group)}")
    fast = await _last_words(remote, [500_000 + i for i in range(max(3, answers // 4))], 1700,
                             0.0005, rng)  # about 10,000 characters in a few seconds
    print(f"   last piece -> final text, 10,000 chars:   {quantiles(fast)}")
    status = await _thinking(remote, [600_000 + i for i in range(answers)])
    print(f"   first reasoning piece -> thinking shown:  {quantiles(status)}\n")
