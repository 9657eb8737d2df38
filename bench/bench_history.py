"""History load and store time with a large message table (prints figures, never asserts).

Fills a temporary SQLite file (migrated like the bot's) with ``--messages`` messages
spread at random over ``--chats`` chats, each chat on its second conversation, then
measures, each in its own short session as the chat service does:

* ``recent(limit=50)`` for random chats (the history load before every answer);
* ``add`` of one message plus ``commit`` (storing a question or an answer).

Run: ``python bench/bench_history.py`` (one million messages, a few minutes on two
cores) or ``python bench/bench_history.py --messages 100000`` for a quick look.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import (
    Chat,
    Message,
    MessageRepository,
    MessageRole,
    create_engine,
    create_session_factory,
    upgrade,
)
from bot.db.models import utcnow

BATCH = 20_000
CONVERSATIONS = 2


def _texts(rng: random.Random) -> list[str]:
    """A pool of message bodies of chat-like lengths (short questions, longer answers)."""
    words = [
        "the",
        "model",
        "answers",
        "every",
        "question",
        "about",
        "streaming",
        "tokens",
        "in",
        "telegram",
    ]
    pool = []
    for _ in range(500):
        length = rng.choice([rng.randint(10, 200), rng.randint(100, 900)])
        body = " ".join(rng.choice(words) for _ in range(length // 5 + 1))
        pool.append(body[:length])
    return pool


async def _fill(engine: AsyncEngine, messages: int, chats: int, seed: int) -> float:
    """Insert the chats and messages with batched core inserts; returns seconds taken."""
    rng = random.Random(seed)
    texts = _texts(rng)
    start_time = utcnow() - timedelta(days=365)
    started = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(
            insert(Chat),
            [
                {
                    "chat_id": 1_000_000 + n,
                    "thread_id": 0,
                    "chat_type": "private",
                    "conversation": CONVERSATIONS,
                    "created_at": start_time,
                    "updated_at": start_time,
                }
                for n in range(chats)
            ],
        )
    done = 0
    while done < messages:
        size = min(BATCH, messages - done)
        rows: list[dict[str, Any]] = []
        for i in range(done, done + size):
            # Time moves forward through the table; so do the chats' conversations.
            stamp = start_time + timedelta(seconds=i * 30)
            rows.append(
                {
                    "chat_pk": rng.randint(1, chats),
                    "conversation": 1 + i * CONVERSATIONS // messages,
                    "role": "user" if i % 2 == 0 else "assistant",
                    "status": "complete",
                    "text": texts[i % len(texts)],
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
        async with engine.begin() as conn:
            await conn.execute(insert(Message), rows)
        done += size
        print(f"\r  inserted {done:,}/{messages:,}", end="", flush=True)
    print()
    return time.perf_counter() - started


def _summary(samples: list[float]) -> str:
    """Median and 99th percentile in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms"


async def _measure(
    sessions: async_sessionmaker[AsyncSession], chats: int, samples: int, seed: int
) -> tuple[list[float], list[float], int]:
    """Time recent(limit=50) and add+commit on random chats; also the rows per load."""
    rng = random.Random(seed + 1)
    async with sessions() as session:
        picked = rng.sample(range(1, chats + 1), min(samples, chats))
        loaded = await session.scalars(select(Chat).where(Chat.id.in_(picked)))
        sample_chats = list(loaded)
    loads: list[float] = []
    rows = 0
    for chat in sample_chats:
        began = time.perf_counter()
        async with sessions() as session:
            history = await MessageRepository(session).recent(chat, limit=50)
        loads.append(time.perf_counter() - began)
        rows += len(history)
    stores: list[float] = []
    for chat in sample_chats[: max(1, samples // 2)]:
        began = time.perf_counter()
        async with sessions() as session:
            await MessageRepository(session).add(chat, role=MessageRole.USER, text="hello")
            await session.commit()
        stores.append(time.perf_counter() - began)
    return loads, stores, rows // max(1, len(sample_chats))


def _size(path: Path) -> int:
    """Bytes of the database file and its WAL."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


async def main() -> None:
    """Parse flags, build the database, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=1_000, help="timed loads (stores: half)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        path = Path(tmp) / "bot.db"
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await upgrade(engine)
            print(f"filling {args.messages:,} messages over {args.chats:,} chats ...")
            fill = await _fill(engine, args.messages, args.chats, args.seed)
            async with engine.connect() as conn:
                auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await auto.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            size = _size(path)
            loads, stores, per_load = await _measure(
                create_session_factory(engine), args.chats, args.samples, args.seed
            )
        finally:
            await engine.dispose()

    print(f"insert: {fill:.1f} s ({args.messages / fill:,.0f} messages/s)")
    print(f"database file: {size / 1e6:.1f} MB ({size / max(1, args.messages):.0f} B/message)")
    print(f"recent(limit=50), {len(loads)} chats, ~{per_load} rows each: {_summary(loads)}")
    print(f"add + commit, {len(stores)} messages: {_summary(stores)}")


if __name__ == "__main__":
    asyncio.run(main())
