"""End to end: the real `python -m bot` process over HTTP, against fake Telegram and providers."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Message, create_engine, create_session_factory
from tests.fakes.providers import PROVIDERS, Answer, FakeProviderServer, by_event, last_user_text
from tests.fakes.telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
USER = 501
ADMIN = 502
GROUP = -100501
pytestmark = pytest.mark.timeout(120)



class BotProcess:
    """One ``python -m bot`` child process, its log kept for failure messages."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.process: asyncio.subprocess.Process | None = None
        self.output = b""

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=self.cwd, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)

    async def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then the exit status (the process must stop on its own)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(self.process.communicate(), timeout)
        self.output += output
        return self.process.returncode if self.process.returncode is not None else -1

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            output, _ = await self.process.communicate()
            self.output += output


async def until(condition: Callable[[], object], what: str, bot: BotProcess,
                timeout: float = 20) -> None:
    """Wait for something the user would see; fail with the bot's log if it never comes."""
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                if bot.process is not None and bot.process.returncode is not None:
                    break
                await asyncio.sleep(0.02)
    except TimeoutError:
        pass
    if not condition():
        await bot.kill()
        pytest.fail(f"never saw: {what}\n--- bot log ---\n{bot.output.decode(errors='replace')}")


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[FakeTelegram, FakeProviderServer,
                                                     dict[str, str]]]:
    async with FakeTelegram() as telegram, FakeProviderServer() as providers:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": telegram.token,
            "TELEGRAM_API_URL": telegram.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/bot.db",
            "PROVIDERS": "openai,flowgpt,vitalentum,ai365vip,codelinkava",
            "OPENAI_API_KEY": "test-key",
            "ADMIN_IDS": str(ADMIN),
            "EDIT_INTERVAL_PRIVATE": "0.2",
            "EDIT_INTERVAL_GROUP": "0.2",
            **providers.env(),
        }
        yield telegram, providers, env


async def stored_messages(database: Path) -> list[Message]:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with create_session_factory(engine)() as session:
            return list(await session.scalars(select(Message).order_by(Message.id)))
    finally:
        await engine.dispose()


async def test_a_day_in_the_life(world: tuple[FakeTelegram, FakeProviderServer, dict[str, str]],
                                 tmp_path: Path) -> None:
    telegram, providers, env = world
    for name in PROVIDERS:
        providers.script(name, lambda body, name=name: f"[{name}] {last_user_text(body)}")
    bot = BotProcess(env, tmp_path)
    await bot.start()
    try:
        await until(lambda: telegram.calls("getUpdates"), "the bot polling", bot)
        assert len(telegram.calls("setMyCommands")) == 4  # private and groups, en and ru

        # A private conversation, answered through the default provider (openai).
        telegram.private_message(USER, "Hello!")
        await until(lambda: telegram.visible_texts(USER) == ["[openai] Hello!"],
                    "the first answer", bot)

        # A group: chatter is ignored, a mention is answered.
        telegram.group_message(GROUP, USER, "nobody asked the bot")
        telegram.group_message(GROUP, USER, "are you there?", mention=True)
        await until(lambda: telegram.visible_texts(GROUP) == ["[openai] User501: are you there?"],
                    "the group answer", bot)

        # /model across all five protocols.
        for spec, name in [("flowgpt:gemini", "flowgpt"), ("vitalentum", "vitalentum"),
                           ("ai365vip:gpt-4o", "ai365vip"), ("codelinkava", "codelinkava"),
                           ("openai", "openai")]:
            telegram.private_message(USER, f"/model {spec}")
            await until(lambda: telegram.visible_texts(USER)[-1].startswith("Model set"),
                        f"/model {spec}", bot)
            telegram.private_message(USER, f"via {name}")
            await until(lambda name=name: telegram.visible_texts(USER)[-1]
                        == f"[{name}] via {name}", f"an answer from {name}", bot)

        # /system reaches the provider.
        telegram.private_message(USER, "/system Reply briefly.")
        await until(lambda: telegram.visible_texts(USER)[-1].startswith("System prompt saved"),
                    "/system saved", bot)
        assert await bot.stop() == 0, bot.output.decode(errors="replace")

        # History survives a restart.
        restarted = BotProcess(env, tmp_path)
        await restarted.start()
        bot = restarted
        telegram.private_message(USER, "Do you remember me?")
        await until(lambda: telegram.visible_texts(USER)[-1] == "[openai] Do you remember me?",
                    "an answer after the restart", bot)
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
        world: tuple[FakeTelegram, FakeProviderServer, dict[str, str]], tmp_path: Path) -> None:
    telegram, providers, env = world
    env["SHUTDOWN_GRACE"] = "1"
    release = asyncio.Event()
    providers.script("openai", Answer("The beginning of a long answer that never ends",
                                      piece_size=8, chunks=by_event,
                                      hold_after=4, release=release),
                     "The whole answer, after the restart.")
    bot = BotProcess(env, tmp_path)
    await bot.start()
    try:
        telegram.private_message(USER, "tell me everything")
        await until(lambda: telegram.visible_texts(USER), "the answer begins", bot)
        status = await bot.stop()
        assert status == 0, bot.output.decode(errors="replace")
        shown = telegram.visible_texts(USER)[-1]
        assert shown.startswith("The beginning")
        assert shown.endswith("The bot is restarting; I'll answer again in a moment.")
        question, answer = (await stored_messages(tmp_path / "data" / "bot.db"))[-2:]
        assert (answer.role, answer.status) == ("assistant", "interrupted")
        assert answer.text.startswith("The beginning")
        assert (question.role, question.status) == ("user", "pending")  # handed back

        # The next start answers the question it was handed, once.
        bot = BotProcess(env, tmp_path)
        await bot.start()
        await until(lambda: telegram.visible_texts(USER)[-1]
                    == "The whole answer, after the restart.", "the answer after a restart", bot)
        assert await bot.stop() == 0
        asked = [r for r in providers.requests_for("openai") if r.method == "POST"]
        assert len(asked) == 2
        stored = await stored_messages(tmp_path / "data" / "bot.db")
        assert [(m.role, m.status) for m in stored] == [
            ("user", "complete"), ("assistant", "interrupted"), ("assistant", "complete")]
    finally:
        release.set()
        await bot.kill()
