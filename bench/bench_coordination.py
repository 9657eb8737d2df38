"""What shared state costs per call: in memory vs Redis (prints figures, never asserts).

For each operation the bot performs around Telegram calls and answers, times
``--calls`` sequential calls on an idle bot (no waiting involved, so the figure
is the call's own latency) and prints the median and the 99th percentile:

* ``limiter.try_acquire`` / ``limiter.acquire`` (the bot-wide limit, before every call);
* ``paces.claim`` (a chat's next slot, before every edit);
* ``turn()`` enter + exit (once per answer), ``updates.first_time`` (once per update);

then two hand-offs between two workers (two clients; in memory: one process):
a waiting question getting the turn after the holder leaves, and ``stop()``
reaching the answer being written.

Run: ``python bench/bench_coordination.py [--redis-url redis://127.0.0.1:6379/15]``
(about ten seconds). Keys go under a random prefix and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bot.coordination.base import ChatKey, Coordination
from bot.coordination.memory import in_memory
from bot.coordination.redis_coordination import redis_coordination
from tests.redis_keys import forget_keys

# A limiter this generous never makes a caller wait: only the call itself is timed.
NEVER_WAITS = {"global_rate": 1e6, "global_burst": 1_000_000}
Pair = tuple[Coordination, Coordination]


def _summary(samples: list[float]) -> tuple[float, float]:
    """Median and 99th percentile, in microseconds."""
    cut = statistics.quantiles(samples, n=100)
    return statistics.median(samples) * 1e6, cut[98] * 1e6


async def _timed(calls: int, operation: Callable[[int], Awaitable[object]]) -> list[float]:
    samples = []
    for n in range(calls):
        started = time.perf_counter()
        await operation(n)
        samples.append(time.perf_counter() - started)
    return samples


def _single_calls(coordination: Coordination) -> dict[str, Callable[[int], Awaitable[object]]]:
    async def turn(n: int) -> None:
        async with coordination.turns.turn(ChatKey(n), asker_id=1):
            pass

    return {
        "limiter.try_acquire": lambda _: coordination.limiter.try_acquire(),
        "limiter.acquire": lambda _: coordination.limiter.acquire(),
        "paces.claim": lambda n: coordination.paces.claim(n, 1.0),
        "turn() enter+exit": turn,
        "updates.first_time": lambda n: coordination.updates.first_time(10**9 + n),
    }


async def _one_handoff(holder_side: Coordination, waiter_side: Coordination) -> float:
    key = ChatKey(-1)
    held, release, entered = asyncio.Event(), asyncio.Event(), asyncio.Event()
    left_at = 0.0

    async def hold() -> None:
        nonlocal left_at
        async with holder_side.turns.turn(key, asker_id=1):
            held.set()
            await release.wait()
            left_at = time.perf_counter()

    async def wait() -> None:
        async with waiter_side.turns.turn(key, asker_id=2):
            entered.set()

    holding = asyncio.create_task(hold())
    await held.wait()
    waiting = asyncio.create_task(wait())
    while True:  # "in the line" is a count, with no event to wait for
        if waiter_side.turns.waiting:
            break
        await asyncio.sleep(0.001)
    release.set()
    await entered.wait()
    entered_at = time.perf_counter()
    await asyncio.gather(holding, waiting)
    return entered_at - left_at


async def _handoff(pair: Pair, rounds: int) -> list[float]:
    """From the holder leaving the turn to the waiter (on the other worker) having it."""
    return [await _one_handoff(*pair) for _ in range(rounds)]


async def _stop(pair: Pair, rounds: int) -> list[float]:
    """From ``stop()`` on one worker to the answer on the other seeing it."""
    writer, stopper = pair
    key = ChatKey(-2)
    samples = []
    for _ in range(rounds):
        async with writer.turns.turn(key, asker_id=1) as answer:
            started = time.perf_counter()
            await stopper.turns.stop(key)
            await answer.stopped.wait()
            samples.append(time.perf_counter() - started)
    return samples


@asynccontextmanager
async def _redis_pair(url: str, prefix: str) -> AsyncIterator[Pair]:
    async with AsyncExitStack() as stack:
        one, two = [await stack.enter_async_context(redis_coordination(
            url, max_waiting=3, key_prefix=prefix, **NEVER_WAITS)) for _ in range(2)]
        yield one, two


async def main() -> None:
    """Parse flags, time each operation on both implementations, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default=os.environ.get("TEST_REDIS_URL",
                                                              "redis://127.0.0.1:6379/15"))
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--handoffs", type=int, default=200)
    args = parser.parse_args()
    prefix = f"bench:{uuid.uuid4().hex[:12]}:"

    memory = in_memory(max_waiting=3, **NEVER_WAITS)
    memory_pair = (memory, memory)
    rows: list[tuple[str, list[float], list[float]]] = []
    try:
        async with _redis_pair(args.redis_url, prefix) as redis_pair:
            memory_calls, redis_calls = _single_calls(memory), _single_calls(redis_pair[0])
            for name, operation in memory_calls.items():
                rows.append((name, await _timed(args.calls, operation),
                             await _timed(args.calls, redis_calls[name])))
            rows.append(("hand-off to a waiter", await _handoff(memory_pair, args.handoffs),
                         await _handoff(redis_pair, args.handoffs)))
            rows.append(("stop() reaching the writer", await _stop(memory_pair, args.handoffs),
                         await _stop(redis_pair, args.handoffs)))
    finally:
        await forget_keys(args.redis_url, prefix)

    print(f"{args.calls} calls each ({args.handoffs} for hand-offs); Redis at {args.redis_url}")
    print(f"{'operation':28} {'memory med/p99 µs':>20} {'Redis med/p99 µs':>20} "
          f"{'added med µs':>13}")
    for name, in_process, shared in rows:
        (m_med, m_p99), (r_med, r_p99) = _summary(in_process), _summary(shared)
        print(f"{name:28} {m_med:9.1f} /{m_p99:8.1f} {r_med:9.1f} /{r_p99:8.1f} "
              f"{r_med - m_med:13.1f}")


if __name__ == "__main__":
    asyncio.run(main())
