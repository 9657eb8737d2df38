"""Feeding a running bot many updates at once, and what such a run leaves behind.

Used by the fuzz test (which asserts) and ``bench/bench_fuzz.py`` (which prints).
A run feeds updates through the real Dispatcher with bounded concurrency,
waits for every answer they started, samples the process's resident memory
meanwhile, and collects every log record at WARNING and above.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import Application
from tests.bot.conftest import ADMIN, Harness
from tests.bot.fuzz_files import FileBacking
from tests.fakes.providers import PROVIDERS
from tests.fakes.telegram.fuzz import FuzzUpdates

log = logging.getLogger(__name__)

# Always trouble, whatever level they are logged at.
ALARMS = ("database is locked", "never retrieved", "was never awaited")
_UPDATE_ID = re.compile(r"update (\d+)")
# Settings of a fuzz run beyond the handler tests': the per-user rate limit at its default,
# and voice notes transcribed (by the fake provider server).
FUZZ_SETTINGS: dict[str, Any] = {"rate_limit_per_minute": 20, "transcribe_provider": "openai",
                                 "transcribe_model": "whisper-1"}


class LogCollector(logging.Handler):
    """Keeps every record at WARNING and above, for a readable verdict afterwards."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)

    @property
    def errors(self) -> list[logging.LogRecord]:
        """Records at ERROR and above, and any that names a known alarm."""
        return [r for r in self.records
                if r.levelno >= logging.ERROR or any(a in r.getMessage() for a in ALARMS)]

    def describe(self, records: Iterable[logging.LogRecord],
                 shapes: Mapping[int, str] | None = None) -> str:
        """One paragraph per record: level, logger, message, the update's shape when the
        message names one (``shapes``: update id → shape), the exception's last lines."""
        parts = []
        for record in records:
            text = f"{record.levelname} {record.name}: {record.getMessage()}"
            named = _UPDATE_ID.search(record.getMessage())
            if named and shapes and int(named.group(1)) in shapes:
                text += f"\n    update: {shapes[int(named.group(1))]}"
            if record.exc_info and record.exc_info[1] is not None:
                trace = logging.Formatter().formatException(record.exc_info).splitlines()
                text += "\n    " + "\n    ".join(trace[-6:])
            parts.append(text)
        return "\n".join(parts)

    @contextlib.contextmanager
    def attached(self) -> Iterator[LogCollector]:
        """Collect from the root logger (and every logger below it) inside the block."""
        root = logging.getLogger()
        previous = root.level
        root.addHandler(self)
        if previous > logging.WARNING:
            root.setLevel(logging.WARNING)
        try:
            yield self
        finally:
            root.removeHandler(self)
            root.setLevel(previous)


def fuzzed_updates(harness: Harness, seed: int, count: int) -> Iterator[dict[str, Any]]:
    """``count`` fuzzed updates for this bot; providers answer "ok" and transcribe.

    Half the files of fuzzed messages get bytes behind them (:class:`FileBacking`).
    """
    for name in PROVIDERS:
        harness.providers.script(name, "ok")
    harness.providers.script_transcription("openai", "a transcript")
    updates = FuzzUpdates(seed, bot_user=harness.telegram.bot_user, admin_ids=(ADMIN,),
                          first_update_id=1_000_000)
    backing = FileBacking(harness.telegram, seed)
    return (backing.back(update) for update in updates.generate(count))


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux ``/proc``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


@dataclass
class FuzzRun:
    """The figures of one run."""

    updates: int = 0
    seconds: float = 0.0
    start_rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    unfinished: list[str] = field(default_factory=list)  # what did not end when it should have
    shapes: dict[int, str] = field(default_factory=dict)  # update id → what it carried

    def note(self, update: dict[str, Any]) -> None:
        """Remember the shape of an update fed (for readable failures)."""
        self.updates += 1
        self.shapes[update["update_id"]] = shape(update)

    @property
    def per_second(self) -> float:
        """Updates handled per second."""
        return self.updates / self.seconds if self.seconds else 0.0


async def feed_concurrently(harness: Harness, updates: Iterable[dict[str, Any]], *,
                            concurrency: int, update_timeout: float = 90.0,
                            drain_timeout: float = 120.0) -> FuzzRun:
    """Feed ``updates`` with at most ``concurrency`` at a time; wait for every answer.

    An update whose handlers take longer than ``update_timeout`` (longer than any
    flood-control wait a reply may do) is cancelled and noted as hung.
    """
    run = FuzzRun(start_rss_mb=rss_mb())
    run.peak_rss_mb = run.start_rss_mb
    source = iter(updates)
    started = time.perf_counter()

    async def worker() -> None:
        """Take updates from the shared source until it runs dry."""
        for update in source:  # one shared iterator: each update goes to one worker
            run.note(update)
            try:
                async with asyncio.timeout(update_timeout):
                    await harness.send(update, wait=False)
            except TimeoutError:
                kind = ", ".join(k for k in update if k != "update_id")
                run.unfinished.append(f"update {update.get('update_id')} ({kind}) hung")
            except Exception:  # the dispatcher let it out: that is a finding, not a stop
                log.exception("update %s escaped the dispatcher", update.get("update_id"))

    async def sample() -> None:
        """Note the resident memory every 50 ms."""
        while True:
            run.peak_rss_mb = max(run.peak_rss_mb, rss_mb())
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample(), name="rss-sampler")
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        await _drain(harness.app, drain_timeout, run)
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
    run.seconds = time.perf_counter() - started
    gc.collect()  # tasks that died unobserved say so when collected
    run.peak_rss_mb = max(run.peak_rss_mb, rss_mb())
    return run


def shape(update: dict[str, Any]) -> str:
    """A short description of an update: its kind, chat type, content, text or data."""
    kind = next(k for k in update if k != "update_id")
    payload = update[kind]
    if not isinstance(payload, dict):
        return kind
    parts = [kind]
    if isinstance(payload.get("chat"), dict):
        parts.append(str(payload["chat"].get("type")))
    content = [k for k in payload if k not in _ENVELOPE]
    parts.append("+".join(content[:4]))
    for key in ("text", "caption", "data", "query"):
        if isinstance(payload.get(key), str):
            parts.append(f"{key}={payload[key][:40]!r}")
    return " ".join(parts)


_ENVELOPE = frozenset({"message_id", "date", "chat", "from", "sender_chat", "id",
                       "chat_instance", "message_thread_id", "is_topic_message"})


async def _drain(app: Application, timeout: float, run: FuzzRun) -> None:
    """Wait for the answers the updates started; note whatever is still running after it."""
    tasks = app.deps.answers.tasks
    while tasks:
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        if pending:
            run.unfinished.extend(sorted(t.get_name() for t in pending))
            return
        tasks = app.deps.answers.tasks
    turns, streamer = app.deps.turns, app.deps.streamer
    for name, value in (("updates in flight", app.updates.in_flight),
                        ("answers writing", turns.active), ("questions waiting", turns.waiting),
                        ("conversations holding a turn", getattr(turns, "tracked", 0)),
                        ("stream writers open", streamer.open_writers)):
        if value:
            run.unfinished.append(f"{name}: {value}")
