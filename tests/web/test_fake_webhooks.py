"""The fake Bot API in webhook mode behaves like Telegram: the tests of the bot rely on it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiohttp import web

from tests.fakes.local_server import serve_locally
from tests.fakes.telegram import FakeTelegram

SECRET = "hook-Secret_1"


@dataclass
class Receiver:
    """A webhook endpoint that records what it gets and answers what a test scripts."""

    url: str = ""
    received: list[tuple[int, str | None]] = field(default_factory=list)  # (update_id, secret)
    statuses: list[int] = field(default_factory=list)  # answered in turn; then 200
    hold: asyncio.Event | None = None  # set: answer; unset: keep the request waiting
    in_flight: int = 0
    most_in_flight: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append((body["update_id"],
                              request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.hold is not None:
                await self.hold.wait()
        finally:
            self.in_flight -= 1
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/hook", found.handle)
    runner, base = await serve_locally(app, shutdown_timeout=0.1)
    found.url = f"{base}/hook"
    yield found
    if found.hold is not None:
        found.hold.set()
    await runner.cleanup()


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[FakeTelegram, Bot]]:
    async with FakeTelegram() as fake:
        bot = fake.bot()
        yield fake, bot
        await bot.session.close()


async def until(condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Wait for ``condition``: deliveries run in the background, so look every 10 ms."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def settled(fake: FakeTelegram, count: int) -> None:
    """Wait until ``count`` deliveries have ended (answered or failed)."""
    await until(lambda: sum(1 for d in fake.deliveries if d.status is not None or d.error)
                >= count)


async def test_updates_are_posted_with_the_secret_and_forgotten_once_answered(
        telegram: tuple[FakeTelegram, Bot], receiver: Receiver) -> None:
    fake, bot = telegram
    fake.private_message(5, "queued before the webhook")
    assert await bot.set_webhook(receiver.url, secret_token=SECRET)
    fake.private_message(5, "sent after")
    await settled(fake, 2)
    assert receiver.received == [(1, SECRET), (2, SECRET)]
    assert fake.pending_deliveries == 0
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_message) == (
        receiver.url, 0, None)


async def test_get_updates_conflicts_while_a_webhook_is_set(
        telegram: tuple[FakeTelegram, Bot], receiver: Receiver) -> None:
    fake, bot = telegram
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    with pytest.raises(TelegramConflictError):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    fake.private_message(5, "polled again")
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.text == "polled again"
    assert receiver.received == []


async def test_a_failed_delivery_is_repeated_until_answered(
        telegram: tuple[FakeTelegram, Bot], receiver: Receiver) -> None:
    fake, bot = telegram
    fake.redelivery_delay = 0.05
    receiver.statuses = [503, 500]
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    fake.private_message(5, "one")
    await settled(fake, 3)
    assert [(d.update_id, d.attempt, d.status) for d in fake.deliveries] == [
        (1, 1, 503), (1, 2, 500), (1, 3, 200)]
    assert receiver.received == [(1, SECRET)] * 3
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.pending_update_count == 0


async def test_an_answer_that_takes_too_long_counts_as_failed(
        telegram: tuple[FakeTelegram, Bot], receiver: Receiver) -> None:
    fake, bot = telegram
    fake.webhook_timeout, fake.redelivery_delay = 0.2, 0.05
    receiver.hold = asyncio.Event()
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    fake.private_message(5, "slow")
    await until(lambda: len(receiver.received) >= 2)
    receiver.hold.set()
    await until(lambda: fake.pending_deliveries == 0)
    first = fake.deliveries[0]
    assert (first.update_id, first.status, first.error) == (1, None, "Read timeout expired")
    assert any(d.delivered and d.update_id == 1 for d in fake.deliveries[1:])


async def test_at_most_max_connections_deliveries_at_once(
        telegram: tuple[FakeTelegram, Bot], receiver: Receiver) -> None:
    fake, bot = telegram
    receiver.hold = asyncio.Event()
    await bot.set_webhook(receiver.url, secret_token=SECRET, max_connections=3)
    for n in range(6):
        fake.private_message(5, f"m{n}")
    await until(lambda: receiver.in_flight == 3)
    assert [update_id for update_id, _ in receiver.received] == [1, 2, 3]
    receiver.hold.set()
    await until(lambda: fake.pending_deliveries == 0)
    assert receiver.most_in_flight == 3
    assert sorted(update_id for update_id, _ in receiver.received) == [1, 2, 3, 4, 5, 6]


async def test_a_refused_connection_is_a_failed_delivery(
        telegram: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = telegram
    fake.redelivery_delay = 0.05
    await bot.set_webhook("http://127.0.0.1:9/hook", secret_token=SECRET)  # discard: closed
    fake.private_message(5, "nobody listens")
    await settled(fake, 2)
    assert fake.pending_deliveries == 1
    assert all(d.error.startswith("Connection failed") for d in fake.deliveries)


async def test_only_the_update_types_asked_for_are_delivered(
        telegram: tuple[FakeTelegram, Bot], receiver: Receiver) -> None:
    fake, bot = telegram
    await bot.set_webhook(receiver.url, secret_token=SECRET, allowed_updates=["callback_query"])
    fake.private_message(5, "not asked for")
    sent = fake.private_message(6, "hi")
    await until(lambda: fake.pending_deliveries == 0)
    assert receiver.received == []
    query = fake.callback_query(6, 6, sent["message"]["message_id"], "data")
    await until(lambda: receiver.received)
    assert receiver.received == [(query["update_id"], SECRET)]
    assert sent["update_id"] < query["update_id"]


async def test_bad_webhook_settings_are_refused(telegram: tuple[FakeTelegram, Bot]) -> None:
    _, bot = telegram
    with pytest.raises(TelegramBadRequest, match="secret token"):
        await bot.set_webhook("https://example.com/hook", secret_token="no spaces allowed")
    with pytest.raises(TelegramBadRequest, match="HTTPS url"):
        await bot.set_webhook("ftp://example.com/hook")
