"""Ten thousand fuzzed updates to the real ``python -m bot`` process (prints figures only).

The bot runs as operators run it — its own process, long-polling the fake Bot
API (which queues the fuzzed updates) with the fake providers behind it — so
its resident memory is its own, not shared with the fakes or the generator.
Printed: updates, duration, the bot process's peak resident memory (VmHWM),
the error lines it logged, and whether a real question afterwards is answered.

Run: ``python -m bench.bench_fuzz_process`` (``--count N``, ``--seed S``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bot.fuzz_files import FileBacking  # noqa: E402
from tests.e2e.support import LoggedProcess  # noqa: E402
from tests.fakes.providers import PROVIDERS, FakeProviderServer  # noqa: E402
from tests.fakes.telegram import FakeTelegram, FloodRules  # noqa: E402
from tests.fakes.telegram.fuzz import FuzzUpdates  # noqa: E402

ADMIN = 4242
CHECK_USER = 99_000_001


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (``VmHWM``) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


async def bench(count: int, seed: int) -> None:
    """Run the fuzz against the bot process once and print its figures."""
    roomy = FloodRules(private_burst=30, group_burst=30, group_rate=1.0)
    with tempfile.TemporaryDirectory() as folder:
        async with FakeTelegram(rules=roomy) as telegram, FakeProviderServer() as providers:
            for name in PROVIDERS:
                providers.script(name, "ok")
            providers.script_transcription("openai", "a transcript")
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
                   "BOT_TOKEN": telegram.token, "TELEGRAM_API_URL": telegram.base_url,
                   "DATABASE_URL": f"sqlite+aiosqlite:///{folder}/bot.db",
                   "PROVIDERS": ",".join(PROVIDERS), "OPENAI_API_KEY": "k",
                   "OPENAI_MODELS": "fake-model-a", "ADMIN_IDS": str(ADMIN),
                   "TRANSCRIBE_PROVIDER": "openai", "TRANSCRIBE_MODEL": "whisper-1",
                   "LOG_LEVEL": "WARNING", **providers.env()}
            bot = LoggedProcess(env, Path(folder))
            await bot.start()
            try:
                await bot.until(lambda: telegram.calls("getUpdates"), "polling")
                start_rss = peak_rss_mb(bot.pid)
                backing = FileBacking(telegram, seed)
                updates = FuzzUpdates(seed, bot_user=telegram.bot_user, admin_ids=(ADMIN,),
                                      first_update_id=1_000_000)
                started = time.perf_counter()
                for update in updates.generate(count):
                    telegram.push_update(backing.back(update))
                await bot.until(lambda: not telegram.pending_updates, "every update taken",
                                timeout=1800)
                await _quiet(telegram)
                seconds = time.perf_counter() - started
                peak = peak_rss_mb(bot.pid)
                telegram.private_message(CHECK_USER, "still there?")
                await bot.until(lambda: telegram.visible_texts(CHECK_USER) == ["ok"],
                                "an answer after the fuzz", timeout=60)
                status = await bot.stop(timeout=60)
            finally:
                await bot.kill()
    errors = [line for line in bot.output.splitlines()
              if " ERROR " in line or " CRITICAL " in line]
    print("Fuzzed updates to the real bot process (SQLite, long polling)")
    print(f"   updates              {count} in {seconds:.1f} s ({count / seconds:.0f}/s)")
    print(f"   bot process RSS      {start_rss:.0f} MB at start, {peak:.0f} MB at its peak")
    print(f"   error lines logged   {len(errors)}")
    print("   a question after it  answered; exit status on SIGTERM " + str(status))
    for line in errors[:10]:
        print("      " + line[:200])


async def _quiet(telegram: FakeTelegram, seconds: float = 2.0) -> None:
    """Wait until the bot has made no call for ``seconds`` (its answers are done)."""
    while True:
        before = len(telegram.log)
        await asyncio.sleep(seconds)
        if len(telegram.log) == before:
            return


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20_260_511)
    args = parser.parse_args()
    asyncio.run(bench(args.count, args.seed))


if __name__ == "__main__":
    main()
