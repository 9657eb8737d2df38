"""Streaming benchmark: how fast answers reach Telegram, at what cost (prints figures only).

Everything goes through a real aiogram Bot over HTTP to the fake Bot API
(``tests/fakes/telegram_api.py``); a fake provider writes ≈50 pieces/s of
sub-word pieces. Run from the repository root::

    python -m bench.bench_streaming            # full run, about 2-3 minutes
    python -m bench.bench_streaming --quick    # a smoke run of a few seconds

Sections:

1. latency (real clock, fake Bot API in another process): from the provider's
   first piece to the first visible text, and from the moment the model has
   written the first whole word to the moment a reader sees it;
2. a 60 s answer in a private chat and in a group (time compressed: one
   virtual clock drives the provider, the streamer and the fake's flood control);
3. 1, 100 and 1,000 concurrent streams (real clock, fake Bot API in another
   process, so CPU and memory are the bot's own): CPU per piece, event-loop
   lag, calls, 429s, and peak memory (tracemalloc, in a second run).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/bench_streaming.py` from the root
    sys.path.insert(0, str(ROOT))

from aiogram import Bot  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402

from bot.streaming import ChatTarget, Clock, LoopClock, StreamConfig, Streamer  # noqa: E402
from tests.fakes.telegram_api import FakeClock, FakeTelegram, LocalSession  # noqa: E402

TOKEN = "123456:TEST-TOKEN"
PIECE_EVERY = 0.02  # ≈50 pieces per second
MESSAGE_METHODS = {"sendMessage", "editMessageText", "sendMessageDraft"}
PROSE = (
    "the answer depends on what you need first consider a simple approach then measure "
    "carefully because streaming text into Telegram has limits of its own and every "
    "message edit counts against them so pacing matters more than raw speed"
)
VOCABULARY = PROSE.split()


# -- the fake provider ----------------------------------------------------------------------


def answer_text(rng: random.Random, words: int) -> str:
    """Prose made of common words, with a paragraph break now and then."""
    chosen = [rng.choice(VOCABULARY) for _ in range(words)]
    chosen[0] = chosen[0].capitalize()
    text = " ".join(w + ("\n\n" if rng.random() < 0.03 else "") for w in chosen)
    return text.replace("\n\n ", "\n\n")


def pieces_of(text: str, rng: random.Random) -> list[str]:
    """Sub-word pieces of 1-5 characters, the way model tokens arrive."""
    pieces, i = [], 0
    while i < len(text):
        size = rng.randint(1, 5)
        pieces.append(text[i : i + size])
        i += size
    return pieces


# -- the fake Bot API in a process of its own -----------------------------------------------


def _serve(conn: Connection) -> None:
    asyncio.run(_serve_async(conn))


async def _serve_async(conn: Connection) -> None:
    async with FakeTelegram(token=TOKEN) as telegram:
        conn.send(telegram.base_url)
        loop = asyncio.get_running_loop()
        while (command := await loop.run_in_executor(None, conn.recv)) != "stop":
            assert command == "report"
            conn.send(_report(telegram))
            telegram.log.clear()


def _report(telegram: FakeTelegram) -> dict[str, Any]:
    first: dict[int, list[tuple[float, str]]] = {}
    chats: set[int] = set()
    for call in telegram.log:
        if call.method in MESSAGE_METHODS and call.status == 200:
            chats.add(call.chat_id)
            seen = first.setdefault(call.chat_id, [])
            if len(seen) < 4:
                seen.append((call.at, str(call.params.get("text", ""))[:80]))
    return {
        "calls": len(telegram.log),
        "by_method": Counter(c.method for c in telegram.log),
        "429": telegram.count_429,
        "first": first,
        "visible": {chat: telegram.visible_texts(chat) for chat in chats},
    }


class RemoteTelegram:
    """The fake Bot API running in a child process (real clock)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        self.base_url: str = self._conn.recv()

    def report(self) -> dict[str, Any]:
        """What the fake saw since the last report."""
        self._conn.send("report")
        report: dict[str, Any] = self._conn.recv()
        return report

    def stop(self) -> None:
        """Stop the child process."""
        self._conn.send("stop")
        self._process.join(10)

    def bot(self) -> Bot:
        """A bot talking HTTP to the child."""
        return Bot(TOKEN, session=LocalSession(api=TelegramAPIServer.from_base(self.base_url)))


# -- figures --------------------------------------------------------------------------------


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


class NullWriter:
    """Takes pieces and does nothing: the provider's and the loop's own cost, for subtraction."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    async def __aenter__(self) -> NullWriter:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    def append(self, piece: str) -> None:
        self.pieces.append(piece)

    async def finish(self) -> None:
        return None


class NullStreamer:
    """A streamer whose writers never call Telegram."""

    def open(self, target: ChatTarget) -> NullWriter:
        return NullWriter()

    async def aclose(self) -> None:
        return None


async def stream(
    streamer: Streamer | NullStreamer, target: ChatTarget, pieces: list[str], clock: Clock
) -> None:
    """One answer: pieces every PIECE_EVERY seconds, then finish."""
    async with streamer.open(target) as writer:
        for piece in pieces:
            writer.append(piece)
            await clock.sleep(PIECE_EVERY)
        await writer.finish()


# -- 1. latency -----------------------------------------------------------------------------


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


# -- 2. a 60 s answer, time compressed ------------------------------------------------------


async def bench_long_answer(seconds: float, rng: random.Random) -> None:
    """Calls and 429s for one long answer, per chat kind and mode."""
    print(f"2. One {seconds:.0f} s answer at 50 pieces/s (virtual time shared by all parts)")
    text = answer_text(rng, int(seconds * 50 / 2.2))  # ≈ 50 pieces of ~3 characters per second
    pieces = pieces_of(text, rng)[: int(seconds / PIECE_EVERY)]
    cases = [
        ("private, edit mode", ChatTarget(1, private=True), StreamConfig()),
        ("private, draft mode", ChatTarget(2, private=True), StreamConfig(mode="draft")),
        ("group, edit mode", ChatTarget(-3, private=False), StreamConfig()),
        (
            "private, 0.3 s interval (too fast)",
            ChatTarget(4, private=True),
            StreamConfig(edit_interval_private=0.3),
        ),
        (
            "group, 1 s interval (too fast)",
            ChatTarget(-5, private=False),
            StreamConfig(edit_interval_group=1.0),
        ),
    ]
    for label, target, config in cases:
        clock = FakeClock()
        async with FakeTelegram(clock=clock, token=TOKEN) as telegram:
            clock.start_autojump()
            bot = telegram.bot(clock=clock)
            started = time.perf_counter()
            await stream(Streamer(bot, config, clock=clock), target, pieces, clock)
            real = time.perf_counter() - started
            await bot.session.close()
            await clock.stop()
        by_method = Counter(c.method for c in telegram.log)
        shown = ", ".join(f"{m} {n}" for m, n in sorted(by_method.items()))
        print(
            f"   {label:36} {len(telegram.log):4} calls, {telegram.count_429:2} x 429, "
            f"{len(telegram.visible_texts(target.chat_id))} message(s)  [{shown}]  "
            f"({real:.1f} s real)"
        )
    print()


# -- 3. concurrency -------------------------------------------------------------------------


def make_answers(
    count: int, seconds: float, rng: random.Random, first_chat: int
) -> dict[int, list[str]]:
    """The provider's pieces for ``count`` answers (half private chats, half groups)."""
    answers = {}
    for i in range(count):
        chat = first_chat + i if i % 2 == 0 else -(first_chat + i)
        pieces = pieces_of(answer_text(rng, int(seconds * 50 / 2.2)), rng)
        answers[chat] = pieces[: int(seconds / PIECE_EVERY)]
    return answers


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
        await bench_long_answer(args.long, rng)
        await bench_concurrency(
            remote, [int(s) for s in args.streams.split(",")], args.seconds, rng
        )
    finally:
        remote.stop()
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    asyncio.run(main())
