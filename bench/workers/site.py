"""A whole scale-out site for one measurement: fakes, balancer, and N real worker processes.

The fake Bot API (Telegram's bot-wide limit on, roomy per-chat limits, so a
burst over many chats measures the bot rather than one chat's pacing)
delivers webhooks through the test balancer to ``python -m bot`` workers on
a fresh PostgreSQL database and a bot id of its own in Redis; everything is
removed afterwards.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import aiohttp

from tests.e2e.cluster import HOOK, ROOMY_CHATS, SECRET, fresh_database
from tests.e2e.conftest import ROOT
from tests.e2e.workers import Worker, until_ready
from tests.fakes.balancer import Balancer
from tests.fakes.providers import FakeProviderServer
from tests.fakes.telegram import FakeTelegram
from tests.redis_keys import forget_keys


@dataclass
class Site:
    """What one measurement drives and reads."""

    telegram: FakeTelegram
    providers: FakeProviderServer
    balancer: Balancer
    http: aiohttp.ClientSession
    workers: list[Worker]
    database_url: str


@asynccontextmanager
async def site(workers: int, *, database_url: str, redis_url: str) -> AsyncIterator[Site]:
    """Start the fakes and ``workers`` ready workers; stop and remove everything on exit."""
    bot_id = random.randrange(10**8, 2 * 10**9)
    async with AsyncExitStack() as stack:
        database = await stack.enter_async_context(fresh_database(database_url))
        telegram = await stack.enter_async_context(
            FakeTelegram(token=f"{bot_id}:BENCH-TOKEN-{'x' * 30}", bot_id=bot_id,
                         rules=ROOMY_CHATS))
        providers = await stack.enter_async_context(FakeProviderServer())
        balancer = await stack.enter_async_context(Balancer())
        http = await stack.enter_async_context(aiohttp.ClientSession())
        stack.push_async_callback(forget_keys, redis_url, f"llmbot:{bot_id}:")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "BOT_TOKEN": telegram.token, "TELEGRAM_API_URL": telegram.base_url,
            "DATABASE_URL": database, "REDIS_URL": redis_url,
            "WEBHOOK_URL": balancer.url + HOOK, "WEBHOOK_SECRET": SECRET,
            "HTTP_LISTEN": "127.0.0.1:0", "PROVIDERS": "openai", "OPENAI_API_KEY": "bench",
            "OPENAI_MODELS": "fake-model-a", "RATE_LIMIT_PER_MINUTE": "0",
            "EDIT_INTERVAL_PRIVATE": "1.0", **providers.env("openai"),
        }
        started = [Worker(f"worker-{n + 1}", env) for n in range(workers)]
        for worker in started:
            stack.push_async_callback(worker.kill)
        # The first migrates; the others wait for it (the migration lock) and start together.
        await asyncio.gather(*(worker.start() for worker in started))
        for worker in started:
            await until_ready(http, worker)
            balancer.add(worker.url)
        yield Site(telegram, providers, balancer, http, started, database)
