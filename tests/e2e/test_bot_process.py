"""End to end: the real `python -m bot` process over HTTP, against fake Telegram and providers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.e2e.conftest import GROUP, USER, World, stored_messages
from tests.e2e.support import LoggedProcess
from tests.fakes.providers import PROVIDERS, Answer, by_event, last_user_text

pytestmark = pytest.mark.timeout(120)


async def test_a_day_in_the_life(world: World, tmp_path: Path) -> None:
    telegram, providers, env = world
    for name in PROVIDERS:
        providers.script(name, lambda body, name=name: f"[{name}] {last_user_text(body)}")
    bot = LoggedProcess(env, tmp_path)
    await bot.start()
    try:
        await bot.until(lambda: telegram.calls("getUpdates"), "the bot polling")
        assert len(telegram.calls("setMyCommands")) == 4  # private and groups, en and ru

        # A private conversation, answered through the default provider (openai).
        telegram.private_message(USER, "Hello!")
        await bot.until(lambda: telegram.visible_texts(USER) == ["[openai] Hello!"],
                    "the first answer")

        # A group: chatter is ignored, a mention is answered.
        telegram.group_message(GROUP, USER, "nobody asked the bot")
        telegram.group_message(GROUP, USER, "are you there?", mention=True)
        answered = ["[openai] User501: are you there?"]
        await bot.until(lambda: telegram.visible_texts(GROUP) == answered, "the group answer")

        # /model across all five protocols.
        for spec, name in [("flowgpt:gemini", "flowgpt"), ("vitalentum", "vitalentum"),
                           ("ai365vip:gpt-4o", "ai365vip"), ("codelinkava", "codelinkava"),
                           ("openai", "openai")]:
            telegram.private_message(USER, f"/model {spec}")
            await bot.until(lambda: telegram.visible_texts(USER)[-1].startswith("Model set"),
                        f"/model {spec}")
            telegram.private_message(USER, f"via {name}")
            await bot.until(lambda name=name: telegram.visible_texts(USER)[-1]
                        == f"[{name}] via {name}", f"an answer from {name}")

        # /system reaches the provider.
        telegram.private_message(USER, "/system Reply briefly.")
        await bot.until(lambda: telegram.visible_texts(USER)[-1].startswith("System prompt saved"),
                    "/system saved")
        assert await bot.stop() == 0, bot.output[-5000:]

        # History survives a restart.
        restarted = LoggedProcess(env, tmp_path)
        await restarted.start()
        bot = restarted
        telegram.private_message(USER, "Do you remember me?")
        await bot.until(lambda: telegram.visible_texts(USER)[-1] == "[openai] Do you remember me?",
                    "an answer after the restart")
        body = providers.requests_for("openai")[-1].json
        assert body["messages"][0] == {"role": "system", "content": "Reply briefly."}
        assert {"role": "user", "content": "Hello!"} in body["messages"]
        assert {"role": "assistant", "content": "[flowgpt] via flowgpt"} in body["messages"]
        # Nothing was answered twice across the restart.
        assert telegram.visible_texts(USER).count("[openai] Hello!") == 1
        assert await bot.stop() == 0
    finally:
        await bot.kill()


async def test_sigterm_during_an_answer_hands_the_question_back(
        world: World, tmp_path: Path) -> None:
    telegram, providers, env = world
    env["SHUTDOWN_GRACE"] = "1"
    release = asyncio.Event()
    providers.script("openai", Answer("The beginning of a long answer that never ends",
                                      piece_size=8, chunks=by_event,
                                      hold_after=4, release=release),
                     "The whole answer, after the restart.")
    bot = LoggedProcess(env, tmp_path)
    await bot.start()
    try:
        telegram.private_message(USER, "tell me everything")
        await bot.until(lambda: telegram.visible_texts(USER), "the answer begins")
        status = await bot.stop()
        assert status == 0, bot.output[-5000:]
        shown = telegram.visible_texts(USER)[-1]
        assert shown.startswith("The beginning")
        assert shown.endswith("The bot is restarting; I'll answer again in a moment.")
        question, answer = (await stored_messages(tmp_path / "data" / "bot.db"))[-2:]
        assert (answer.role, answer.status) == ("assistant", "interrupted")
        assert answer.text.startswith("The beginning")
        assert (question.role, question.status) == ("user", "pending")  # handed back

        # The next start answers the question it was handed, once.
        bot = LoggedProcess(env, tmp_path)
        await bot.start()
        await bot.until(lambda: telegram.visible_texts(USER)[-1]
                    == "The whole answer, after the restart.", "the answer after a restart")
        assert await bot.stop() == 0
        asked = [r for r in providers.requests_for("openai") if r.method == "POST"]
        assert len(asked) == 2
        stored = await stored_messages(tmp_path / "data" / "bot.db")
        assert [(m.role, m.status) for m in stored] == [
            ("user", "complete"), ("assistant", "interrupted"), ("assistant", "complete")]
    finally:
        release.set()
        await bot.kill()
