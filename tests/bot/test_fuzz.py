"""Thousands of random updates of every kind through the real Dispatcher: nothing breaks.

The bot runs against the fake Bot API (flood control on) and fake providers
that answer "ok"; updates come from the seeded generator in
``tests/fakes/telegram/fuzz.py``, half their files backed by real bytes. The
run must log no error, leave nothing running, grow the process's memory by
less than 300 MB, and leave the bot able to answer.
``bench/bench_fuzz.py`` runs the full ten thousand and prints the figures.
"""

from __future__ import annotations

import pytest

from tests.bot.conftest import HarnessFactory
from tests.bot.fuzzing import FUZZ_SETTINGS, LogCollector, feed_concurrently, fuzzed_updates

FUZZ_COUNT = 3_000  # the benchmark runs 10,000
CONCURRENCY = 32
SEED = 20_260_511
# What the run may add to the process's resident memory (peak during the run minus the
# start): the process itself starts well above 200 MB (aiogram's models alone take 160 MB,
# and earlier tests in the same process leave theirs), so the run's own share is measured.
RSS_GROWTH_LIMIT_MB = 300
FRESH_USER = 987_654_321  # in no pool of the generator


@pytest.mark.timeout(300)
async def test_fuzzed_updates_break_nothing(make_harness: HarnessFactory) -> None:
    harness = await make_harness(**FUZZ_SETTINGS)
    with LogCollector().attached() as logs:
        run = await feed_concurrently(harness, fuzzed_updates(harness, SEED, FUZZ_COUNT),
                                      concurrency=CONCURRENCY)
        assert run.updates == FUZZ_COUNT
        assert not logs.errors, f"{len(logs.errors)} errors logged:\n" \
            + logs.describe(logs.errors[:20], run.shapes)
        assert not run.unfinished, f"still running after the run: {run.unfinished}"
        assert run.peak_rss_mb - run.start_rss_mb < RSS_GROWTH_LIMIT_MB, \
            f"resident memory grew from {run.start_rss_mb:.0f} MB to {run.peak_rss_mb:.0f} MB"

        await harness.send(harness.telegram.private_message(FRESH_USER, "Still there?"))
        assert harness.last_text(FRESH_USER) == "ok"
        assert not logs.errors, logs.describe(logs.errors)
