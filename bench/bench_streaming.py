"""Streaming benchmark: how fast answers reach Telegram, at what cost (prints figures only).

Everything goes through a real aiogram Bot over HTTP to the fake Bot API
(``tests/fakes/telegram/``); a fake provider writes ≈50 pieces/s of
sub-word pieces. Run from the repository root::

    python -m bench.bench_streaming            # full run, about 2-3 minutes
    python -m bench.bench_streaming --quick    # a smoke run of a few seconds

Sections (each in its own module of ``bench/streaming/``):

1. latency (real clock, fake Bot API in another process): from the provider's
   first piece to the first visible text, and from the moment the model has
   written the first whole word to the moment a reader sees it; then (1b) from
   the provider's last piece to the final text, and from a reasoning model's
   first thought to its visible "thinking" status;
2. a 60 s answer in a private chat and in a group (time compressed: one
   virtual clock drives the provider, the streamer and the fake's flood control);
3. 1, 100 and 1,000 concurrent streams (real clock, fake Bot API in another
   process, so CPU and memory are the bot's own): CPU per piece, event-loop
   lag, calls, 429s, and peak memory (tracemalloc, in a second run).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/bench_streaming.py` from the root
    sys.path.insert(0, str(ROOT))

from bench.streaming.concurrency import bench_concurrency  # noqa: E402
from bench.streaming.endings import bench_endings  # noqa: E402
from bench.streaming.latency import bench_latency  # noqa: E402
from bench.streaming.long_answer import bench_long_answer  # noqa: E402
from bench.streaming.remote import RemoteTelegram  # noqa: E402


async def main() -> None:
    """Parse flags, run the sections, print figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=100, help="answers for the latency run")
    parser.add_argument("--long", type=float, default=60.0, help="seconds of the long answer")
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds per concurrent stream")
    parser.add_argument("--streams", default="1,100,1000", help="concurrency levels")
    parser.add_argument("--quick", action="store_true", help="tiny run (smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.answers, args.long, args.seconds, args.streams = 20, 20.0, 2.0, "1,50"
    rng = random.Random(7)
    started = time.perf_counter()
    remote = RemoteTelegram()
    try:
        await bench_latency(remote, args.answers, rng)
        await bench_endings(remote, max(10, args.answers // 3), rng)
        await bench_long_answer(args.long, rng)
        await bench_concurrency(
            remote, [int(s) for s in args.streams.split(",")], args.seconds, rng
        )
    finally:
        remote.stop()
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    asyncio.run(main())
