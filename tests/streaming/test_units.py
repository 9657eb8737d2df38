"""Pure parts of the renderers: rendering, footers, pacing, limiter, error meanings, config."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage

from bot.clock import wait_event
from bot.coordination.memory_pacing import MemoryCallLimiter, MemoryPaceStore
from bot.streaming import ChatTarget, StreamConfig
from bot.streaming import streamer as streamer_module
from bot.streaming.calls import Outcome, classify
from bot.streaming.pacing import ChatPace
from bot.streaming.render import Rendered, render_markdown, with_footer
from tests.fakes.telegram import FakeClock
from tests.streaming.conftest import StreamerFactory

METHOD = SendMessage(chat_id=1, text="x")


def test_render_keeps_code_exactly_and_uses_entities() -> None:
    code = "def f(x):\n    return x  *  2\t# **not bold**"
    rendered = render_markdown(f"Look:\n\n```python\n{code}\n```")
    assert rendered.text == f"Look:\n\n{code}"
    assert rendered.entities is not None
    (pre,) = rendered.entities
    assert (pre.type, pre.language, pre.offset, pre.length) == ("pre", "python", 7, len(code))


def test_render_trims_the_end_and_clips_entities() -> None:
    rendered = render_markdown("1. one\n2. **two**\n\n")
    assert rendered.text == "1. one\n2. two"
    assert rendered.entities is not None
    assert all(e.offset + e.length <= len(rendered.text) for e in rendered.entities)


def test_render_falls_back_to_plain_when_the_result_would_not_fit() -> None:
    too_long = "**bold** " + "x" * 5000  # (parts are cut to fit; the check is a safety net)
    rendered = render_markdown(too_long)
    assert rendered.entities is None
    assert rendered.text == too_long


def test_footer_goes_on_a_line_of_its_own_or_into_its_own_message() -> None:
    last = Rendered("Answer", None)
    assert with_footer(last, "⏹ Stopped") == [Rendered("Answer\n\n⏹ Stopped")]
    assert with_footer(last, None) == [last]
    full = Rendered("x" * 4090)
    assert with_footer(full, "⏹ Stopped") == [full, Rendered("⏹ Stopped")]
    assert with_footer(Rendered(""), "⚠️ Interrupted") == [Rendered("⚠️ Interrupted")]


def test_not_modified_key_ignores_trailing_whitespace() -> None:
    assert Rendered("Hello  \n").key() == Rendered("Hello").key()
    assert Rendered("Hello").key() != Rendered("Hello!").key()


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (TelegramRetryAfter(METHOD, "Too Many Requests: retry after 5", 5), Outcome.FLOOD),
        (TelegramForbiddenError(METHOD, "Forbidden: bot was blocked by the user"), Outcome.GONE),
        (
            TelegramBadRequest(METHOD, "Bad Request: message is not modified: x"),
            Outcome.NOT_MODIFIED,
        ),
        (TelegramBadRequest(METHOD, "Bad Request: message to edit not found"), Outcome.MISSING),
        (
            TelegramBadRequest(METHOD, "Bad Request: can't parse entities: bad"),
            Outcome.BAD_ENTITIES,
        ),
        (TelegramBadRequest(METHOD, "Bad Request: chat not found"), Outcome.GONE),
        (TelegramBadRequest(METHOD, "Bad Request: TEXTDRAFT_PEER_INVALID"), Outcome.REJECTED),
        (TelegramNetworkError(METHOD, "ClientConnectorError: refused"), Outcome.TRANSIENT),
        (TelegramServerError(METHOD, "Bad Gateway"), Outcome.TRANSIENT),
    ],
)
def test_errors_mean_what_the_writer_needs(error: Exception, outcome: Outcome) -> None:
    assert classify(error).outcome is outcome  # type: ignore[arg-type]


def test_retry_after_is_carried() -> None:
    assert classify(TelegramRetryAfter(METHOD, "retry after 17", 17)).retry_after == 17


async def test_rate_limiter_allows_a_burst_then_spaces_calls_evenly() -> None:
    clock = FakeClock()
    clock.start_autojump()
    limiter = MemoryCallLimiter(rate=10, burst=3, clock=clock)
    times: list[float] = []

    async def call() -> None:
        await limiter.acquire()
        times.append(round(clock.now() - 1000, 6))

    await asyncio.gather(*(call() for _ in range(6)))
    await clock.stop()
    assert times == [0.0, 0.0, 0.0, 0.1, 0.2, 0.3]


async def test_chat_pace_doubles_after_a_429_and_drifts_back() -> None:
    clock = FakeClock()
    pace = ChatPace(7, 1.0, StreamConfig(flood_recovery_half_life=60), clock,
                    MemoryPaceStore(clock))
    await pace.on_flood(10)
    assert await pace.blocked_for() > 0
    assert pace.interval() == pytest.approx(2.0)
    clock.advance(60)
    assert await pace.blocked_for() == 0
    assert pace.interval() == pytest.approx(1.5)
    await pace.on_flood(1)  # a second 429 doubles the current interval
    assert pace.interval() == pytest.approx(3.0)
    clock.advance(600)
    assert pace.interval() == pytest.approx(1.0, abs=0.01)
    assert pace.idle()


async def test_chat_pace_never_exceeds_the_maximum() -> None:
    clock = FakeClock()
    pace = ChatPace(7, 3.0, StreamConfig(flood_max_interval=10), clock, MemoryPaceStore(clock))
    for _ in range(5):
        await pace.on_flood(1)
    assert pace.interval() == pytest.approx(10)


async def test_wait_event_times_out_on_the_given_clock() -> None:
    clock = FakeClock()
    clock.start_autojump()
    event = asyncio.Event()
    assert not await wait_event(clock, event, 5)
    assert clock.now() == pytest.approx(1005)
    asyncio.get_running_loop().call_soon(event.set)
    assert await wait_event(clock, event, 5)
    await clock.stop()


@pytest.mark.parametrize(
    "bad",
    [{"mode": "fast"}, {"edit_interval_group": 0}, {"part_limit": 5000}, {"global_rate": 0}],
)
def test_config_rejects_nonsense(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        StreamConfig(**bad)  # type: ignore[arg-type]


async def test_try_acquire_takes_only_a_free_slot() -> None:
    clock = FakeClock()
    limiter = MemoryCallLimiter(rate=10, burst=2, clock=clock)
    assert await limiter.try_acquire()
    assert await limiter.try_acquire()
    assert not await limiter.try_acquire()  # would have to wait: skipped, nothing booked
    clock.advance(0.1)
    assert await limiter.try_acquire()


async def test_chats_that_are_done_are_forgotten(make_streamer: StreamerFactory,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streamer_module, "_PRUNE_ABOVE", 8)
    streamer = make_streamer()
    for chat in range(1, 40):
        async with streamer.open(ChatTarget(chat, private=True)) as writer:
            writer.append("ok")
            await writer.finish()
    assert streamer.tracked_chats <= 2 * (8 + 1)  # not one entry per chat ever seen
