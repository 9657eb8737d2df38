"""Answers and Telegram calls per second for a burst of questions over many chats."""

from __future__ import annotations

import asyncio
import os
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bench.workers.site import Site
from tests.e2e.workers import Worker
from tests.fakes.providers import Answer, by_event, last_user_text

POLL = 0.05  # seconds between looks at what users see


def echo(body: Any) -> str:
    """The fake model's answer: names its question."""
    return f"Answer to: {last_user_text(body)}"


@dataclass(frozen=True)
class Throughput:
    """One burst's figures."""

    answers: int
    seconds: float
    calls: int
    refused_429: int
    latency_p50: float  # question queued → its whole answer on screen
    latency_p95: float
    cpu_seconds: float | None  # CPU time of all workers during the burst (Linux only)

    @property
    def answers_per_second(self) -> float:
        """Whole answers on screen per second."""
        return self.answers / self.seconds

    @property
    def calls_per_second(self) -> float:
        """Bot API calls per second (all methods)."""
        return self.calls / self.seconds


async def measure_throughput(site: Site, *, chats: int, questions: int) -> Throughput:
    """Queue ``questions`` over ``chats`` private chats at once; time until all are answered."""
    telegram = site.telegram
    # A short answer written in a dozen pieces at about 200 pieces/s.
    site.providers.script("openai", Answer(echo, piece_size=2, chunks=by_event, pace=0.005))
    await _ask(site, {90_000 + n: [f"warm-up {n}"] for n in range(len(site.workers) * 2)})

    loop = asyncio.get_running_loop()
    cpu_before = _cpu_seconds(site.workers)
    first_call, started = len(telegram.log), loop.time()
    wanted: dict[int, list[str]] = {}
    for i in range(questions):
        chat = 10_000 + i % chats
        wanted.setdefault(chat, []).append(f"c{chat} q{i // chats + 1}")
    asked_at = await _ask(site, wanted)
    seconds = loop.time() - started
    cpu_after = _cpu_seconds(site.workers)
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before

    calls = telegram.log[first_call:]
    whole = {f"Answer to: {text}" for texts in wanted.values() for text in texts}
    shown: dict[str, float] = {}
    for call in calls:  # the first call that put a whole answer on screen (not a partial one)
        text = call.params.get("text")
        if call.status == 200 and text in whole:
            shown.setdefault(str(text), call.at)
    latencies = [at - asked_at for at in shown.values()]  # the fake's clock is the loop's
    return Throughput(questions, seconds, len(calls), sum(1 for c in calls if c.status == 429),
                      statistics.median(latencies), statistics.quantiles(latencies, n=20)[18],
                      cpu)


def _cpu_seconds(workers: list[Worker]) -> float | None:
    """User and system CPU seconds the workers used so far, from ``/proc`` (None elsewhere)."""
    total = 0.0
    for worker in workers:
        assert worker.process is not None
        try:
            with open(f"/proc/{worker.process.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return total


async def _ask(site: Site, questions: dict[int, list[str]]) -> float:
    """Queue every question at once, wait until every answer shows; when they were queued."""
    telegram = site.telegram
    asked = asyncio.get_running_loop().time()
    for chat, texts in questions.items():
        for text in texts:
            telegram.private_message(chat, text)
    expected = {chat: Counter(f"Answer to: {text}" for text in texts)
                for chat, texts in questions.items()}
    async with asyncio.timeout(300):
        # What workers show lives in the fake; nothing to wait on but a look now and then.
        while any(Counter(telegram.visible_texts(chat)) != want  # noqa: ASYNC110
                  for chat, want in expected.items()):
            await asyncio.sleep(POLL)
    return asked
