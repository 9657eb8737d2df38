"""The bot's HTTP server on a free local port, and a client to call it over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from bot.metrics import Metrics
from bot.web import ReadinessCheck, Webhook, WebServer

SECRET = "s3cret-Token_1"
PATH = "/telegram/webhook"


@dataclass
class Updates:
    """What the injected ``on_update`` received (it may be made slow with ``gate``)."""

    received: list[dict[str, Any]] = field(default_factory=list)
    finished: list[dict[str, Any]] = field(default_factory=list)
    cancelled: list[dict[str, Any]] = field(default_factory=list)
    gate: Callable[[], Awaitable[None]] | None = None
    any_finished: asyncio.Event = field(default_factory=asyncio.Event)

    async def on_update(self, update: dict[str, Any]) -> None:
        self.received.append(update)
        try:
            if self.gate is not None:
                await self.gate()
        except BaseException:
            self.cancelled.append(update)
            raise
        self.finished.append(update)
        self.any_finished.set()


async def always_ready() -> None:
    return None


@dataclass
class Running:
    """A started server and its base URL."""

    server: WebServer
    url: str
    metrics: Metrics


StartServer = Callable[..., Awaitable[Running]]


@pytest.fixture
def updates() -> Updates:
    return Updates()


@pytest.fixture
async def start_server(updates: Updates) -> AsyncIterator[StartServer]:
    """Starts servers on 127.0.0.1:0 (stopped after the test)."""
    started: list[WebServer] = []

    async def start(*, ready: ReadinessCheck = always_ready, answer_within: float = 0.5,
                    webhook: bool = True, ready_timeout: float = 2.0) -> Running:
        metrics = Metrics()
        hook = Webhook(PATH, SECRET, updates.on_update, answer_within=answer_within)
        server = WebServer("127.0.0.1", 0, metrics=metrics, ready=ready,
                           webhook=hook if webhook else None, ready_timeout=ready_timeout)
        await server.start()
        started.append(server)
        return Running(server, f"http://127.0.0.1:{server.port}", metrics)

    yield start
    for server in started:
        await server.stop(grace=1.0)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
