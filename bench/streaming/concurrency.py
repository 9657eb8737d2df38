"""Section 3: many concurrent streams: CPU per piece, loop lag, calls, 429s, peak memory."""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import time
import tracemalloc
from typing import Any

from aiogram import Bot

from bench.streaming.remote import RemoteTelegram
from bench.streaming.streams import NullStreamer, stream
from bench.streaming.workload import make_answers
from bot.clock import LoopClock
from bot.streaming import ChatTarget, StreamConfig, Streamer


async def run_streams(
    remote: RemoteTelegram, bot: Bot, answers: dict[int, list[str]], *, null: bool = False
) -> dict[str, Any]:
    """Stream all ``answers`` at once; returns what was measured."""
    streamer = NullStreamer() if null else Streamer(bot, StreamConfig())
    clock = LoopClock()
    lags: list[float] = []
    done = asyncio.Event()

    async def watch_lag() -> None:
        loop = asyncio.get_running_loop()
        while not done.is_set():
            before = loop.time()
            await asyncio.sleep(0.01)
            lags.append(max(0.0, loop.time() - before - 0.01))

    watcher = asyncio.create_task(watch_lag())
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(
        *(stream(streamer, ChatTarget(c, private=c > 0), p, clock) for c, p in answers.items())
    )
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    done.set()
    await watcher
    await streamer.aclose()
    report = remote.report()
    complete = sum(
        1
        for chat, p in answers.items()
        if re.sub(r"\s+", "", "".join(report["visible"].get(chat, [])))
        == re.sub(r"\s+", "", "".join(p))
    )
    return {
        "cpu": cpu,
        "wall": wall,
        "pieces": sum(map(len, answers.values())),
        "lags": sorted(lags),
        "report": report,
        "complete": complete,
    }


async def bench_concurrency(
    remote: RemoteTelegram, counts: list[int], seconds: float, rng: random.Random
) -> None:
    """CPU per piece, loop lag and calls; then peak memory in a traced second run."""
    print(f"3. Concurrent streams of {seconds:.0f} s each (real clock; half private, half groups)")
    print("   CPU is net of an identical run whose writers do nothing (provider and loop cost)")
    bot = remote.bot()
    await bot.get_me()  # the HTTP session exists before anything is measured
    remote.report()
    for n, count in enumerate(counts):
        answers = make_answers(count, seconds, rng, 1_000_000 * (n + 1))
        idle = await run_streams(remote, bot, answers, null=True)
        result = await run_streams(remote, bot, answers)
        report, lags = result["report"], result["lags"]
        cpu = (result["cpu"] - idle["cpu"]) / result["pieces"] * 1e6
        p50, p99 = statistics.median(lags) * 1000, lags[int(0.99 * (len(lags) - 1))] * 1000
        print(
            f"   {count:5} streams: {cpu:6.1f} µs CPU/piece (net); loop lag p50 {p50:.1f} ms, "
            f"p99 {p99:.1f} ms, max {lags[-1] * 1000:.1f} ms; "
            f"{report['calls'] / count:.1f} calls/answer, {report['429']} x 429, "
            f"{result['complete']}/{count} complete, all delivered after {result['wall']:.1f} s"
        )
        answers = {-chat: pieces for chat, pieces in answers.items()}  # fresh chats, same text
        tracemalloc.start()  # the provider's pieces exist already: they are not counted
        baseline = tracemalloc.get_traced_memory()[0]
        await run_streams(remote, bot, answers)
        peak = tracemalloc.get_traced_memory()[1] - baseline
        tracemalloc.stop()
        print(
            f"   {'':5}          peak memory (tracemalloc, second run): "
            f"{peak / 2**20:.1f} MiB, {peak / count / 1024:.1f} KiB per stream"
        )
    await bot.session.close()
    print()
