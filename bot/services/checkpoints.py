"""Where a streaming answer stands, noted now and then, so a crash can be cleaned up after.

While an answer streams, its live message (and the text so far) is written to
the database: soon after the first message, then every few seconds. After a
crash the next start (or another worker) finds it and edits that message to
say the answer was interrupted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock, wait_event
from bot.services.records import AnswerRecords
from bot.streaming.base import AnswerWriter, LiveMessage

log = logging.getLogger(__name__)

# How stale the text a crash leaves on screen may be in the database; the first
# checkpoint comes sooner, so even a short answer's message can be found after a crash.
CHECKPOINT_SECONDS = 5.0
FIRST_CHECKPOINT_SECONDS = 0.5


@asynccontextmanager
async def checkpoints(records: AnswerRecords, answer_id: int, writer: AnswerWriter,
                      clock: Clock) -> AsyncIterator[None]:
    """Note the answer's live message in the background while the block runs."""
    done = asyncio.Event()
    task = asyncio.create_task(_note(records, answer_id, writer, clock, done),
                               name="answer-checkpoints")
    try:
        yield
    finally:
        # Not cancelled: a checkpoint committed after the final store would undo it.
        done.set()
        await asyncio.wait([task])


async def _note(records: AnswerRecords, answer_id: int, writer: AnswerWriter, clock: Clock,
                done: asyncio.Event) -> None:
    noted: LiveMessage | None = None
    while not await wait_event(clock, done,
                               CHECKPOINT_SECONDS if noted else FIRST_CHECKPOINT_SECONDS):
        live = writer.live()
        if live is None or live == noted:
            continue
        try:
            await records.checkpoint(answer_id, live)
        except (SQLAlchemyError, OSError):  # the answer goes on; the next one may work
            log.exception("a checkpoint of answer %s failed", answer_id)
            continue
        noted = live
