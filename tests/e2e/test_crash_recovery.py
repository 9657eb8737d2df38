"""A bot killed mid-answer: the next start says so in the half-written message, and goes on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.e2e.conftest import USER, World, stored_messages
from tests.e2e.support import LoggedProcess
from tests.fakes.providers import Answer, by_event

pytestmark = pytest.mark.timeout(120)

CRASHED = "⚠️ This answer was interrupted: the bot restarted. Send /retry for a full answer."


async def test_a_killed_bot_marks_its_half_written_answer_at_the_next_start(
        world: World, tmp_path: Path) -> None:
    telegram, providers, env = world
    database = tmp_path / "data" / "bot.db"
    release = asyncio.Event()
    providers.script("openai", Answer("Half of an answer that will never be finished",
                                      piece_size=8, chunks=by_event, hold_after=3,
                                      release=release),
                     "Answered after the crash.")
    bot = LoggedProcess(env, tmp_path)
    await bot.start()
    try:
        telegram.private_message(USER, "tell me")
        await bot.until(lambda: telegram.visible_texts(USER), "the answer begins")
        for _ in range(200):  # the answer's message is checkpointed within a second
            rows = await stored_messages(database)
            if rows and rows[-1].live_message_id is not None:
                break
            await asyncio.sleep(0.05)
        assert rows[-1].status == "streaming"
        assert rows[-1].live_message_id is not None, "the answer's message was never checkpointed"
        await bot.kill()  # SIGKILL: no shutdown of any kind
        [half] = telegram.messages(USER)
        assert half.reply_markup  # the Stop button is still there: nobody removed it

        bot = LoggedProcess(env, tmp_path)
        await bot.start()
        await bot.until(lambda: telegram.visible_texts(USER)[0].endswith(CRASHED),
                    "the half-written message marked")
        [marked] = telegram.messages(USER)
        assert marked.text.startswith("Half of an")
        assert not marked.reply_markup  # no Stop button left
        answer = (await stored_messages(database))[-1]
        assert (answer.status, answer.error) == ("interrupted", "the bot stopped while answering")
        assert answer.text.startswith("Half of an")

        telegram.private_message(USER, "are you back?")  # the chat is not stuck
        await bot.until(lambda: telegram.visible_texts(USER)[-1] == "Answered after the crash.",
                    "an answer after the crash")
        assert await bot.stop() == 0
    finally:
        release.set()
        await bot.kill()
