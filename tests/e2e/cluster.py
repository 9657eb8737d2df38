"""Several webhook workers on PostgreSQL and Redis behind the test balancer, for one test.

Needs ``TEST_DATABASE_URL`` (PostgreSQL) and ``TEST_REDIS_URL``; without them
the tests using :func:`cluster` are skipped. Each test gets a database of its
own (created empty, dropped afterwards) and a bot id of its own, which keeps
its Redis keys (``llmbot:{bot id}:...``) apart from every other test's; they
are deleted afterwards.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bot.db import Chat, Message, create_engine, create_session_factory
from tests.e2e.conftest import ADMIN, ROOT
from tests.e2e.workers import Worker, until, until_ready
from tests.fakes.balancer import Balancer
from tests.fakes.providers import FakeProviderServer, last_user_text
from tests.fakes.telegram import FakeTelegram, FloodRules
from tests.redis_keys import forget_keys

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_postgres_and_redis = pytest.mark.skipif(
    not (POSTGRES_URL and POSTGRES_URL.startswith("postgresql") and REDIS_URL),
    reason="TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL are needed")

SECRET = "cluster-Webhook_secret"
HOOK = "/telegram/webhook"
# Per-chat limits roomy enough for several answers in a row; the bot-wide one is Telegram's.
ROOMY_CHATS = FloodRules(private_burst=30, group_burst=30, group_rate=1.0)
QUESTION = re.compile(r"c(\d+) q(\d+)")


def echo(body: Any) -> str:
    """The fake provider's answer: names the question it answers."""
    return f"Answer to: {last_user_text(body)}"


def chat_of(body: Any) -> str | None:
    """The chat a question belongs to, from its text (``c{chat} q{n}``)."""
    found = QUESTION.search(last_user_text(body) or "")
    return found.group(1) if found else None


@asynccontextmanager
async def fresh_database(base_url: str) -> AsyncIterator[str]:
    """An empty PostgreSQL database on the server of ``base_url``; its URL."""
    url = make_url(base_url)
    name = f"{url.database or 'test'}_w{uuid.uuid4().hex[:10]}"
    engine = create_engine(base_url)
    admin = engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await engine.dispose()


@dataclass
class Cluster:
    """The fakes, the balancer, the workers, and views of the shared database."""

    telegram: FakeTelegram
    providers: FakeProviderServer
    balancer: Balancer
    http: aiohttp.ClientSession
    env: dict[str, str]
    database_url: str
    workers: list[Worker] = field(default_factory=list)

    async def start(self, count: int = 1, **env: str) -> list[Worker]:
        """Start ``count`` workers together; each joins the balancer once it is ready."""
        started = [Worker(f"worker-{len(self.workers) + n + 1}", {**self.env, **env})
                   for n in range(count)]
        self.workers.extend(started)
        await asyncio.gather(*(worker.start() for worker in started))
        for worker in started:
            await until_ready(self.http, worker)
            self.balancer.add(worker.url)
        return started

    def worker_at(self, upstream: str) -> Worker:
        """The worker serving at ``upstream``."""
        return next(worker for worker in self.workers if worker.url == upstream)

    def handled_by(self, update: dict[str, Any]) -> list[Worker]:
        """The workers the balancer sent an update to, in order."""
        update_id = update["update_id"]
        assert isinstance(update_id, int)
        return [self.worker_at(upstream) for upstream in self.balancer.upstream_of(update_id)]

    async def routed(self, update: dict[str, Any]) -> list[Worker]:
        """The worker(s) the balancer sent ``update`` to, once it was delivered."""
        await until(lambda: self.handled_by(update), "the update delivered", self.workers)
        return self.handled_by(update)

    def holding(self, count: int) -> bool:
        """The provider's ``count``-th chat request (openai) has come and holds mid-answer."""
        requests = self.providers.requests_for("openai", "chat")
        return len(requests) >= count and requests[count - 1].holding.is_set()

    async def settled(self, timeout: float = 30) -> list[Message]:
        """Every stored message once none is still being written.

        A final text shows in the chat a moment before its answer is stored as
        complete (the store follows the last edit): look until the rows agree.
        """
        try:
            async with asyncio.timeout(timeout):
                while _unsettled(stored := await self.stored()):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
        except TimeoutError:
            rows = Counter((m.role, m.status) for m in await self.stored())
            pytest.fail(f"answers still being written after {timeout:.0f} s: {rows}")
        return stored

    async def stored(self, chat_id: int | None = None) -> list[Message]:
        """Stored messages (of one chat, or all), oldest first."""
        engine = create_engine(self.database_url)
        try:
            query = select(Message).order_by(Message.id)
            if chat_id is not None:
                query = query.join(Chat, Chat.id == Message.chat_pk).where(Chat.chat_id == chat_id)
            async with create_session_factory(engine)() as session:
                return list(await session.scalars(query))
        finally:
            await engine.dispose()


@pytest.fixture
async def cluster() -> AsyncIterator[Cluster]:
    """No worker yet: tests start them (``await cluster.start(2)``)."""
    assert POSTGRES_URL is not None
    assert REDIS_URL is not None
    bot_id = random.randrange(10**8, 2 * 10**9)
    async with (fresh_database(POSTGRES_URL) as database_url,
                FakeTelegram(token=f"{bot_id}:CLUSTER-TOKEN-{'x' * 30}", bot_id=bot_id,
                             rules=ROOMY_CHATS) as telegram,
                FakeProviderServer() as providers, Balancer() as balancer,
                aiohttp.ClientSession() as http):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "BOT_TOKEN": telegram.token,
            "TELEGRAM_API_URL": telegram.base_url,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "WEBHOOK_URL": balancer.url + HOOK,
            "WEBHOOK_SECRET": SECRET,
            "HTTP_LISTEN": "127.0.0.1:0",
            "PROVIDERS": "openai,flowgpt,vitalentum,ai365vip,codelinkava",
            "OPENAI_API_KEY": "test-key",
            "OPENAI_MODELS": "fake-model-a",
            "ADMIN_IDS": str(ADMIN),
            "EDIT_INTERVAL_PRIVATE": "0.2",
            "EDIT_INTERVAL_GROUP": "0.2",
            "RATE_LIMIT_PER_MINUTE": "0",
            **providers.env(),
        }
        found = Cluster(telegram, providers, balancer, http, env, database_url)
        try:
            yield found
        finally:
            for worker in found.workers:
                await worker.kill()
            await forget_keys(REDIS_URL, f"llmbot:{bot_id}:")


def _unsettled(stored: list[Message]) -> bool:
    """Whether a question still waits or an answer is still being written."""
    return any(m.status in ("streaming", "pending") for m in stored)
