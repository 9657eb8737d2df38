"""The bot's Prometheus metrics: one object owns them all, built by the composition root.

The metric names are an operator contract (dashboards and alerts use them)::

    bot_updates_total{type}                    updates received
    bot_answers_total{outcome,provider}        answers finished
    bot_first_piece_seconds                    question → first text shown
    bot_answer_seconds                         question → answer finished
    bot_telegram_calls_total{method,result}    Bot API calls; result ok, 429 or error
    bot_provider_errors_total{provider,kind}   provider failures
    bot_active_answers                         answers this process writes now
    bot_waiting_questions                      questions of this process waiting their turn

Each :class:`Metrics` has a registry of its own (nothing global), so tests
and several bots in one process never see each other's counts.
"""

from __future__ import annotations

from typing import Literal

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.coordination.base import Turns

CallResult = Literal["ok", "429", "error"]

# Seconds: a first piece usually comes within a few seconds; whole answers take minutes.
FIRST_PIECE_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 60.0)
ANSWER_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 40.0, 60.0, 120.0, 300.0)


class Metrics:
    """Every metric of the bot, with one small recording method each."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self._updates = Counter("bot_updates_total", "Updates received, by update type",
                                ["type"], registry=registry)
        self._answers = Counter("bot_answers_total", "Answers finished, by outcome and provider",
                                ["outcome", "provider"], registry=registry)
        self._first_piece = Histogram("bot_first_piece_seconds",
                                      "Seconds from a question to the first text shown",
                                      buckets=FIRST_PIECE_BUCKETS, registry=registry)
        self._answer_seconds = Histogram("bot_answer_seconds",
                                         "Seconds from a question to its finished answer",
                                         buckets=ANSWER_BUCKETS, registry=registry)
        self._telegram_calls = Counter("bot_telegram_calls_total",
                                       "Bot API calls, by method and result (ok, 429, error)",
                                       ["method", "result"], registry=registry)
        self._provider_errors = Counter("bot_provider_errors_total",
                                        "Provider failures, by provider and kind",
                                        ["provider", "kind"], registry=registry)
        self._active = Gauge("bot_active_answers", "Answers this process is writing now",
                             registry=registry)
        self._waiting = Gauge("bot_waiting_questions",
                              "Questions of this process waiting for their conversation's turn",
                              registry=registry)

    def update(self, kind: str) -> None:
        """An update of type ``kind`` (``message``, ``callback_query``…) arrived."""
        self._updates.labels(type=kind).inc()

    def answer(self, outcome: str, provider: str, seconds: float) -> None:
        """An answer ended with ``outcome`` after ``seconds``, written by ``provider``."""
        self._answers.labels(outcome=outcome, provider=provider).inc()
        self._answer_seconds.observe(seconds)

    def first_piece(self, seconds: float) -> None:
        """The first text of an answer was shown ``seconds`` after the question."""
        self._first_piece.observe(seconds)

    def telegram_call(self, method: str, result: CallResult) -> None:
        """A Bot API call ended: ``ok``, ``429`` (flood control) or ``error``."""
        self._telegram_calls.labels(method=method, result=result).inc()

    def provider_error(self, provider: str, kind: str) -> None:
        """A provider failed with an error of ``kind`` (its class in the provider error tree)."""
        self._provider_errors.labels(provider=provider, kind=kind).inc()

    def watch(self, turns: Turns) -> None:
        """Read ``bot_active_answers``/``bot_waiting_questions`` from ``turns`` at each scrape."""
        self._active.set_function(lambda: turns.active)
        self._waiting.set_function(lambda: turns.waiting)

    def render(self) -> tuple[bytes, str]:
        """The Prometheus text exposition of every metric, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class TelegramCallMetrics(BaseRequestMiddleware):
    """aiogram request middleware: counts every Bot API call by method and result.

    Register it after any retrying middleware, so that each attempt is counted.
    """

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """Make the call, count its result, and hand back what it gave (or raised)."""
        name = method.__api_method__
        try:
            response = await make_request(bot, method)
        except TelegramRetryAfter:
            self._metrics.telegram_call(name, "429")
            raise
        except Exception:  # counted, then re-raised untouched for the caller to handle
            self._metrics.telegram_call(name, "error")
            raise
        self._metrics.telegram_call(name, "ok")
        return response
