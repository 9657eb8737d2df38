"""A worker process that takes a turn (or a place in line) and hangs there until killed.

``python -m tests.coordination.dead_worker URL PREFIX LEASE ROLE CHAT`` prints
``{role} {worker_id}`` once it holds the turn (``holder``) or waits in the
line (``waiter``), then does nothing more: the test kills it with SIGKILL, so
it never gives anything back and its heartbeat stops.
"""

from __future__ import annotations

import asyncio
import sys

from bot.coordination.base import ChatKey
from bot.coordination.redis_coordination import redis_coordination

ASKER_ID = 666


async def main(url: str, prefix: str, lease: float, role: str, chat_id: int) -> None:
    async with redis_coordination(url, max_waiting=5, global_rate=30.0, global_burst=10,
                                  key_prefix=prefix, lease_seconds=lease) as coordination:
        turns = coordination.turns
        hold = asyncio.Event()

        async def ask() -> None:
            async with turns.turn(ChatKey(chat_id), asker_id=ASKER_ID):
                await hold.wait()

        task = asyncio.create_task(ask())
        while True:  # the state to report is a count, with no event to wait for
            if turns.active if role == "holder" else turns.waiting:
                break
            await asyncio.sleep(0.01)
        print(role, coordination.workers.worker_id, flush=True)
        await task


if __name__ == "__main__":
    url, prefix, lease, role, chat = sys.argv[1:6]
    asyncio.run(main(url, prefix, float(lease), role, int(chat)))
