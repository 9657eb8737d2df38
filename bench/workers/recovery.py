"""What a killed worker costs: how long its chat waits, and its half-written answer stays open."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import select

from bench.workers.site import Site
from bench.workers.throughput import echo
from bot.db import Message, create_engine, create_session_factory
from tests.fakes.providers import Answer, by_event

CHAT = 777
CRASH_NOTE = "the bot restarted"
POLL = 0.02
PATIENCE = 120.0  # seconds any one step may take before the bench gives up, saying which


@dataclass(frozen=True)
class Recovery:
    """Seconds from the SIGKILL of a worker writing an answer in a chat."""

    answered_again: float  # until the chat's next question (sent at once) is answered
    marked: float  # until the half-written answer says it was interrupted


async def measure_recovery(site: Site) -> Recovery:
    """Kill the worker writing an answer; time the chat's way back (needs two workers)."""
    telegram, release = site.telegram, asyncio.Event()
    site.providers.script("openai", Answer("Half of an answer its worker never finishes",
                                           piece_size=8, chunks=by_event, hold_after=3,
                                           release=release), echo)
    try:
        question = telegram.private_message(CHAT, "tell me")
        async with _step("the question delivered to a worker"):
            await _eventually(lambda: site.balancer.upstream_of(question["update_id"]))
        [upstream] = site.balancer.upstream_of(question["update_id"])
        victim = next(worker for worker in site.workers if worker.url == upstream)
        async with _step("the answer's message checkpointed"):
            await _checkpointed(site.database_url)
        loop = asyncio.get_running_loop()
        victim.signal(signal.SIGKILL)
        killed = loop.time()
        telegram.private_message(CHAT, "are you back?")
        answered = marked = 0.0
        async with _step("the chat answering again and the half answer marked"):
            while not (answered and marked):
                texts = telegram.visible_texts(CHAT)
                if not answered and texts[-1] == "Answer to: are you back?":
                    answered = loop.time() - killed
                if not marked and CRASH_NOTE in texts[0]:
                    marked = loop.time() - killed
                await asyncio.sleep(POLL)
        return Recovery(answered, marked)
    finally:
        release.set()


async def _checkpointed(database_url: str) -> None:
    """Until the answer's live message is noted in the database (what recovery edits)."""
    engine = create_engine(database_url)
    try:
        sessions = create_session_factory(engine)
        while True:
            async with sessions() as session:
                if await session.scalar(select(Message.id).where(
                        Message.live_message_id.is_not(None))):
                    return
            await asyncio.sleep(POLL)
    finally:
        await engine.dispose()


@asynccontextmanager
async def _step(what: str) -> AsyncIterator[None]:
    """Give one step :data:`PATIENCE` seconds; say which step never happened."""
    try:
        async with asyncio.timeout(PATIENCE):
            yield
    except TimeoutError as exc:
        raise RuntimeError(f"never happened within {PATIENCE:.0f} s: {what}") from exc


async def _eventually(condition: Callable[[], object]) -> None:
    while not condition():  # noqa: ASYNC110 - the balancer records routes as they happen
        await asyncio.sleep(POLL)
