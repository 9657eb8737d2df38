"""Several real workers on PostgreSQL and Redis: throughput, shared-state cost, recovery.

Prints figures and asserts nothing. Against the fakes the tests use (the fake
Bot API delivering webhooks through the test balancer, the fake provider
server), with real ``python -m bot`` worker processes:

1. answers and Telegram calls per second for a burst of questions over many
   chats, with 1, 2 and 4 workers (and the time from a question to its whole
   answer on screen, and the workers' CPU time per answer);
2. the latency the shared limiter and lock add per call (Redis against
   memory: ``bench.bench_coordination``, run here with fewer calls);
3. what a killed worker costs: from its SIGKILL to its chat's next answer,
   and to its half-written answer being marked by another worker.

Run from the repository root (PostgreSQL and Redis as for the tests)::

    python -m bench.bench_workers [--database-url URL] [--redis-url URL]
                                  [--workers 1,2,4] [--questions 300] [--chats 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/bench_workers.py` from the root
    sys.path.insert(0, str(ROOT))

from bench.workers.recovery import measure_recovery  # noqa: E402
from bench.workers.site import site  # noqa: E402
from bench.workers.throughput import measure_throughput  # noqa: E402
from bot.shared_state import LEASE_SECONDS, SWEEP_SECONDS  # noqa: E402


async def main() -> None:
    """Parse flags, run the three sections, print figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--redis-url", default=os.environ.get(
        "TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure")
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--chats", type=int, default=100)
    args = parser.parse_args()
    stores = {"database_url": args.database_url, "redis_url": args.redis_url}
    started = time.perf_counter()

    print(f"1. {args.questions} questions over {args.chats} chats at once "
          f"(the fake applies Telegram's ~30 calls/s per bot)")
    print(f"{'workers':>7} {'answers/s':>10} {'calls/s':>8} {'429s':>5} "
          f"{'answer p50 s':>13} {'p95 s':>7} {'worker CPU ms/answer':>21}")
    for count in (int(n) for n in args.workers.split(",")):
        async with site(count, **stores) as running:
            figures = await measure_throughput(running, chats=args.chats,
                                               questions=args.questions)
        cpu = ("n/a" if figures.cpu_seconds is None
               else f"{figures.cpu_seconds * 1000 / figures.answers:.1f}")
        print(f"{count:>7} {figures.answers_per_second:>10.1f} {figures.calls_per_second:>8.1f} "
              f"{figures.refused_429:>5} {figures.latency_p50:>13.2f} {figures.latency_p95:>7.2f} "
              f"{cpu:>21}")

    print("\n2. shared state per call, Redis against memory (bench.bench_coordination)")
    sys.stdout.flush()
    coordination = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.bench_coordination", "--redis-url", args.redis_url,
        "--calls", "1000", "--handoffs", "100", cwd=ROOT)
    await coordination.wait()

    print(f"\n3. a worker killed while answering (two workers; lease {LEASE_SECONDS:.0f} s, "
          f"sweeps every {SWEEP_SECONDS:.1f} s)")
    async with site(2, **stores) as running:
        recovery = await measure_recovery(running)
    print(f"its chat's next question answered after {recovery.answered_again:.1f} s; "
          f"its half-written answer marked after {recovery.marked:.1f} s")
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    asyncio.run(main())
