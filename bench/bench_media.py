"""Photo questions: the latency a photo adds (download plus encoding) over a text question.

The real bot (settings → services → Dispatcher) against the fake Bot API and
the fake provider server over HTTP, in this process. For each question: the
time from the update's arrival to the provider's request, for a text question
and for a question with a 1280×960 photo of ~250 KB (downloaded from the fake
Bot API, base64-encoded into the request). Prints figures, asserts nothing::

    python -m bench.bench_media [--questions 40]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aiogram.types import Update  # noqa: E402

from bot.app import application  # noqa: E402
from bot.config import load_settings  # noqa: E402
from tests.fakes.providers import FakeProviderServer  # noqa: E402
from tests.fakes.telegram import FakeTelegram, FloodRules  # noqa: E402
from tests.fakes.telegram.media import jpeg_stub  # noqa: E402

PHOTO_BYTES = 250_000


def photo(width: int, height: int) -> bytes:
    """JPEG-looking bytes of a realistic size (the fake never decodes them)."""
    stub = jpeg_stub(width, height)
    return stub[:-2] + os.urandom(PHOTO_BYTES) + stub[-2:]


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (f"median {statistics.median(ordered) * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms"
            f"   (n={len(ordered)})")


async def main() -> None:
    """Run both kinds of questions and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        async with FakeTelegram(rules=FloodRules(enabled=False)) as telegram, \
                FakeProviderServer() as providers:
            providers.script("openai", "ok")
            settings = load_settings(
                _env_file=None, bot_token=telegram.token, telegram_api_url=telegram.base_url,
                database_url=f"sqlite+aiosqlite:///{folder}/bot.db", providers=("openai",),
                openai_api_key="k", openai_models=("m",), openai_base_url=providers.url_for(
                    "openai"), rate_limit_per_minute=0, edit_interval_private=0.05)
            async with application(settings) as app:
                text = await _measure(app, telegram, providers, args.questions, photos=False)
                with_photo = await _measure(app, telegram, providers, args.questions,
                                            photos=True)
    added = statistics.median(with_photo) - statistics.median(text)
    print("Photo questions (real bot, fake Bot API and provider over HTTP, one process)")
    print(f"   update -> provider request, text question:  {summary(text)}")
    print(f"   update -> provider request, photo question: {summary(with_photo)}")
    print(f"   added by a {PHOTO_BYTES // 1000} KB photo (download + base64), median: "
          f"{added * 1000:.1f} ms")


async def _measure(app: Any, telegram: FakeTelegram, providers: FakeProviderServer,
                   count: int, *, photos: bool) -> list[float]:
    delays = []
    for i in range(count):
        user = (20_000 if photos else 10_000) + i
        if photos:
            update = telegram.private_photo(user, ((1280, 960),), images=[photo(1280, 960)],
                                            caption="what is this?")
        else:
            update = telegram.private_message(user, "what is this?")
        seen = len(providers.requests)
        started = time.perf_counter()
        await app.dispatcher.feed_update(app.bot, Update.model_validate(
            update, context={"bot": app.bot}))
        await providers.wait_for_requests(seen + 1)
        delays.append(time.perf_counter() - started)
        while app.deps.answers.tasks:
            await asyncio.wait(app.deps.answers.tasks)
    return delays


if __name__ == "__main__":
    asyncio.run(main())
