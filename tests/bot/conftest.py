"""The real bot (settings → services → Dispatcher) against the fake Bot API and providers.

Updates go through ``Dispatcher.feed_update``; every Telegram call crosses real
HTTP to :class:`FakeTelegram`, every provider call to :class:`FakeProviderServer`,
and history lives in a real SQLite file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram.types import Update
from sqlalchemy import select

from bot.app import Application, application
from bot.config import load_settings
from bot.db import Attachment, Chat, Message, create_session_factory
from tests.fakes.providers import PROVIDERS, FakeProviderServer
from tests.fakes.telegram import FakeTelegram, FloodRules

ADMIN = 1000  # in ADMIN_IDS
USER = 2000
OTHER = 3000
GROUP = -100777

# Handler tests are about what the bot says; pacing under flood control has its own tests
# (tests/streaming). A roomier burst keeps several command replies in one chat legal.
HANDLER_FLOOD_RULES = FloodRules(private_burst=30, group_burst=30, group_rate=1.0)


@dataclass
class Harness:
    """One running bot and the fakes around it."""

    telegram: FakeTelegram
    providers: FakeProviderServer
    app: Application

    async def send(self, update: dict[str, Any], *, wait: bool = True) -> None:
        """Deliver an update (as built by the fake) and wait until the bot has handled it.

        Handlers return as soon as a question is stored; with ``wait`` this also
        waits for the answers the update started, to the last message delivered.
        """
        parsed = Update.model_validate(update, context={"bot": self.app.bot})
        before = self.app.deps.answers.tasks
        await self.app.dispatcher.feed_update(self.app.bot, parsed)
        started = self.app.deps.answers.tasks - before
        if started and wait:
            await asyncio.wait(started)

    async def attachments(self, chat_id: int, name: str | None = None) -> list[Attachment]:
        """The files stored with a chat's questions (only those called ``name``, if given)."""
        async with create_session_factory(self.app.engine)() as session:
            rows = await session.scalars(
                select(Attachment).join(Message, Message.id == Attachment.message_pk)
                .join(Chat, Chat.id == Message.chat_pk).where(Chat.chat_id == chat_id)
                .order_by(Attachment.id))
            return [row for row in rows if name is None or row.name == name]

    async def until_shown(self, chat_id: int, text: str, timeout: float = 10) -> None:
        """Wait until one of the bot's messages in the chat shows exactly ``text``."""
        try:
            async with asyncio.timeout(timeout):
                while text not in self.texts(chat_id):
                    await self.telegram.next_call()
        except TimeoutError:
            pytest.fail(f"never shown: {text!r}; the chat shows {self.texts(chat_id)!r}")

    async def until_stored(self, chat_id: int, check: Callable[[list[Message]], bool],
                           what: str, timeout: float = 10) -> list[Message]:
        """Wait until the chat's stored messages pass ``check`` (fails after ``timeout``)."""
        try:
            async with asyncio.timeout(timeout):
                # The database sends no events: look again every few milliseconds.
                while not check(stored := await self.stored(chat_id)):  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
        except TimeoutError:
            rows = [(m.role, m.status, m.text[:60]) for m in await self.stored(chat_id)]
            pytest.fail(f"never stored: {what}; the chat holds {rows!r}")
        return stored

    def texts(self, chat_id: int) -> list[str]:
        """What the bot has shown in a chat, message by message."""
        return self.telegram.visible_texts(chat_id)

    def last_text(self, chat_id: int) -> str:
        """The bot's newest message in a chat."""
        texts = self.texts(chat_id)
        assert texts, f"the bot said nothing in chat {chat_id}"
        return texts[-1]

    def buttons(self, chat_id: int) -> dict[str, str]:
        """The inline keyboard under the bot's newest message: button text → callback data."""
        markup = self.telegram.messages(chat_id)[-1].reply_markup or {}
        return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", [])
                for b in row}

    async def press(self, chat_id: int, user_id: int, text: str) -> None:
        """A user presses the button ``text`` under the bot's newest message."""
        message = self.telegram.messages(chat_id)[-1]
        await self.send(self.telegram.callback_query(chat_id, user_id, message.message_id,
                                                     self.buttons(chat_id)[text]))

    def provider_bodies(self, provider: str) -> list[Any]:
        """The JSON bodies a provider received."""
        return [r.json for r in self.providers.requests_for(provider)]

    async def stored(self, chat_id: int) -> list[Message]:
        """Every stored message of a chat (all topics and conversations), oldest first."""
        async with create_session_factory(self.app.engine)() as session:
            rows = await session.scalars(
                select(Message).join(Chat, Chat.id == Message.chat_pk)
                .where(Chat.chat_id == chat_id).order_by(Message.id))
            return list(rows)


HarnessFactory = Callable[..., Awaitable[Harness]]


async def start_harness(stack: AsyncExitStack, database_url: str, *,
                        endpoints: tuple[str, ...] = (), **overrides: Any) -> Harness:
    """Start the fakes and the bot on ``stack`` (all closed with it); ``overrides`` are settings."""
    telegram = await stack.enter_async_context(FakeTelegram(rules=HANDLER_FLOOD_RULES))
    providers = await stack.enter_async_context(FakeProviderServer())
    settings: dict[str, Any] = {
        "_env_file": None,
        "bot_token": telegram.token,
        "telegram_api_url": telegram.base_url,
        "database_url": database_url,
        "providers": ("openai", "flowgpt", "vitalentum", "ai365vip", "codelinkava"),
        "openai_api_key": "test-key",
        "openai_models": ("fake-model-a", "fake-model-b"),
        "admin_ids": (ADMIN,),
        "edit_interval_private": 0.05,
        "edit_interval_group": 0.05,
        "rate_limit_per_minute": 0,
        **{f"{p}_base_url": providers.url_for(p) for p in (*PROVIDERS, *endpoints)},
    }
    settings.update(overrides)
    app = await stack.enter_async_context(application(load_settings(**settings)))
    return Harness(telegram, providers, app)


@pytest.fixture
async def make_harness(tmp_path: Path) -> AsyncIterator[HarnessFactory]:
    """Start the bot with setting overrides; everything is closed after the test.

    ``endpoints`` names more OpenAI-compatible endpoints served by the fake
    provider server (list them in ``providers`` to enable them).
    """
    async with AsyncExitStack() as stack:

        async def start(*, endpoints: tuple[str, ...] = (), **overrides: Any) -> Harness:
            return await start_harness(stack, f"sqlite+aiosqlite:///{tmp_path}/bot.db",
                                       endpoints=endpoints, **overrides)

        yield start


@pytest.fixture
async def harness(make_harness: HarnessFactory) -> Harness:
    """The bot with default test settings; openai (fake-model-a) answers first."""
    return await make_harness()
