"""Metrics as an operator scrapes them: the Prometheus text parsed back, and Bot API calls."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from prometheus_client.parser import text_string_to_metric_families

from bot.coordination.base import ChatKey
from bot.coordination.memory import in_memory
from bot.metrics import Metrics, TelegramCallMetrics
from tests.fakes.telegram import FakeTelegram

CONTRACT = {"bot_updates_total", "bot_answers_total", "bot_first_piece_seconds",
            "bot_answer_seconds", "bot_telegram_calls_total", "bot_provider_errors_total",
            "bot_active_answers", "bot_waiting_questions"}


def scrape(metrics: Metrics) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the rendered text: (name, labels) → value."""
    body, content_type = metrics.render()
    assert content_type.startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(body.decode())
            for sample in family.samples}


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str,
          **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


def test_every_contract_metric_is_exposed_even_before_anything_happened() -> None:
    body, _ = Metrics().render()
    families = {family.name for family in text_string_to_metric_families(body.decode())}
    # The parser names a counter's family without "_total"; its samples carry it.
    assert families >= {name.removesuffix("_total") for name in CONTRACT}
    assert b"# TYPE bot_telegram_calls_total counter" in body


def test_recorded_events_are_counted_under_their_labels() -> None:
    metrics = Metrics()
    metrics.update("message")
    metrics.update("message")
    metrics.update("callback_query")
    metrics.answer("complete", "openai", 3.0)
    metrics.answer("stopped", "flowgpt", 1.5)
    metrics.first_piece(0.4)
    metrics.telegram_call("sendMessage", "ok")
    metrics.telegram_call("editMessageText", "429")
    metrics.provider_error("openai", "RateLimited")

    samples = scrape(metrics)
    assert value(samples, "bot_updates_total", type="message") == 2
    assert value(samples, "bot_updates_total", type="callback_query") == 1
    assert value(samples, "bot_answers_total", outcome="complete", provider="openai") == 1
    assert value(samples, "bot_answers_total", outcome="stopped", provider="flowgpt") == 1
    assert value(samples, "bot_answer_seconds_count") == 2
    assert value(samples, "bot_answer_seconds_sum") == 4.5
    assert value(samples, "bot_first_piece_seconds_bucket", le="0.5") == 1
    assert value(samples, "bot_first_piece_seconds_bucket", le="0.25") == 0
    assert value(samples, "bot_telegram_calls_total", method="editMessageText",
                 result="429") == 1
    assert value(samples, "bot_provider_errors_total", provider="openai",
                 kind="RateLimited") == 1


def test_two_metrics_objects_count_apart() -> None:
    one, two = Metrics(), Metrics()
    one.update("message")
    assert value(scrape(one), "bot_updates_total", type="message") == 1
    assert ("bot_updates_total", frozenset({("type", "message")})) not in scrape(two)


async def test_answer_gauges_follow_the_turns_at_each_scrape() -> None:
    turns = in_memory(max_waiting=3, global_rate=30.0, global_burst=10).turns
    metrics = Metrics()
    metrics.watch(turns)
    async with turns.turn(ChatKey(1), asker_id=1), turns.turn(ChatKey(2), asker_id=2):
        samples = scrape(metrics)
        assert value(samples, "bot_active_answers") == 2
        assert value(samples, "bot_waiting_questions") == 0
    assert value(scrape(metrics), "bot_active_answers") == 0


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def counted_bot(telegram: FakeTelegram) -> AsyncIterator[tuple[Bot, Metrics]]:
    """A real aiogram Bot talking to the fake Bot API, its calls counted."""
    metrics = Metrics()
    bot = telegram.bot()
    bot.session.middleware(TelegramCallMetrics(metrics))
    yield bot, metrics
    await bot.session.close()


async def test_bot_api_calls_are_counted_by_method_and_result(
        telegram: FakeTelegram, counted_bot: tuple[Bot, Metrics]) -> None:
    bot, metrics = counted_bot
    await bot.get_me()
    await bot.send_message(chat_id=77, text="hello")
    telegram.fail_next("sendMessage", status=429, description="Too Many Requests: retry after 3",
                       retry_after=3)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(chat_id=77, text="again")
    telegram.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(chat_id=77, text="and again")

    samples = scrape(metrics)
    assert value(samples, "bot_telegram_calls_total", method="getMe", result="ok") == 1
    assert value(samples, "bot_telegram_calls_total", method="sendMessage", result="ok") == 1
    assert value(samples, "bot_telegram_calls_total", method="sendMessage", result="429") == 1
    assert value(samples, "bot_telegram_calls_total", method="sendMessage", result="error") == 1
