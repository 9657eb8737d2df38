"""Ten thousand fuzzed updates through the real bot (prints figures, never asserts).

The bot runs as in the handler tests: the real Dispatcher, the fake Bot API
over HTTP (flood control on), fake providers answering "ok" and transcribing,
a SQLite file (or ``--database-url``). Updates of every kind come from the
seeded generator ``tests/fakes/telegram/fuzz.py`` (half their files backed by
real bytes), fed ``--concurrency`` at a time. Printed:
updates, duration, updates per second, resident memory (start and peak), the
errors logged (grouped by what failed, with an example each), and whatever was
still running after the run.

Run: ``python -m bench.bench_fuzz`` (10,000 updates) or ``--count 1000 --seed 3``;
``--telegram-limits`` applies Telegram's own flood bursts (busy chats then see 429s).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from contextlib import AsyncExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bot.conftest import start_harness
from tests.bot.fuzzing import FUZZ_SETTINGS, LogCollector, feed_concurrently, fuzzed_updates
from tests.fakes.telegram import FloodRules


async def bench(count: int, seed: int, concurrency: int, database_url: str | None,
                stream_mode: str, telegram_limits: bool) -> None:
    """Run the fuzz once and print its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/bot.db"
        async with AsyncExitStack() as stack:
            harness = await start_harness(stack, url, stream_mode=stream_mode, **FUZZ_SETTINGS)
            if telegram_limits:  # Telegram's bursts, not the handler tests' roomy ones
                harness.telegram.rules = FloodRules()
            with LogCollector().attached() as logs:
                run = await feed_concurrently(harness, fuzzed_updates(harness, seed, count),
                                              concurrency=concurrency)
            calls = Counter(c.method for c in harness.telegram.log)
            print(f"updates          {run.updates}")
            print(f"duration         {run.seconds:.1f} s")
            print(f"updates/s        {run.per_second:.0f}")
            print(f"RSS start/peak   {run.start_rss_mb:.0f} MB / {run.peak_rss_mb:.0f} MB")
            print(f"warnings logged  {len(logs.records) - len(logs.errors)}")
            print(f"errors logged    {len(logs.errors)}")
            print(f"telegram calls   {sum(calls.values())} ({harness.telegram.count_429} × 429): "
                  + ", ".join(f"{m} {n}" for m, n in calls.most_common(6)))
            print(f"provider calls   {len(harness.providers.requests)}")
            print(f"still running    {run.unfinished or 'nothing'}")
            _print_groups(logs, run.shapes)


def _print_groups(logs: LogCollector, shapes: dict[int, str]) -> None:
    """Errors (and warnings) grouped by logger and exception, one example each."""
    groups: dict[tuple[str, str], list[object]] = {}
    for record in logs.records:
        error = record.exc_info[1] if record.exc_info else None
        key = (f"{record.levelname} {record.name}",
               type(error).__name__ + f": {error}"[:100] if error else record.msg)
        groups.setdefault(key, []).append(record)
    for (where, what), records in sorted(groups.items(), key=lambda g: -len(g[1])):
        print(f"\n{len(records)} × {where}: {what}")
        print("    " + logs.describe(records[:1], shapes).replace("\n", "\n    "))


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20_260_511)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database-url", default=None,
                        help="an empty database to use instead of a temporary SQLite file")
    parser.add_argument("--stream-mode", choices=("edit", "draft"), default="edit")
    parser.add_argument("--telegram-limits", action="store_true",
                        help="flood control with Telegram's bursts (3 per chat), not the "
                             "handler tests' roomy ones: slower, with 429s")
    args = parser.parse_args()
    asyncio.run(bench(args.count, args.seed, args.concurrency, args.database_url,
                      args.stream_mode, args.telegram_limits))


if __name__ == "__main__":
    main()
