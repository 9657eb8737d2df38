"""Answers stay bounded: a length limit, sane message counts for odd text, no silent endings."""

from __future__ import annotations

import asyncio

import pytest

from bot.streaming.splitting import utf16_len
from tests.bot.conftest import USER, HarnessFactory
from tests.fakes.providers import Answer, by_event, whole


async def test_a_runaway_answer_is_cut_at_the_limit_and_the_request_closed(
        make_harness: HarnessFactory) -> None:
    harness = await make_harness(answer_max_chars=1000)
    never = asyncio.Event()
    # A model stuck in a loop: far more text than the limit, and a stream that never ends.
    harness.providers.script("openai", Answer("loop " * 2000, piece_size=50, chunks=by_event,
                                              hold_after=150, release=never))
    await harness.send(harness.telegram.private_message(USER, "count forever"))

    request = harness.providers.requests_for("openai")[-1]
    await asyncio.wait_for(request.finished.wait(), 10)
    assert request.outcome == "disconnected"  # the bot stopped reading and hung up
    [shown] = harness.texts(USER)
    body, note = shown.rsplit("\n\n", 1)
    assert body == ("loop " * 200).strip()
    assert note == "✂️ The answer was cut here: it reached the limit of 1 000 characters."
    answer = (await harness.stored(USER))[-1]
    assert (answer.status, len(answer.text)) == ("cut", 1000)
    never.set()


@pytest.mark.parametrize(("name", "text"), [
    ("thousands of backticks", "`" * 20_000),
    ("backtick fences on every line", "```\n" * 5_000),
    ("no line breaks at all", "x" * 20_000),
    ("one huge code block", "```python\n" + "value = compute(value) + 1\n" * 1_000 + "```"),
    ("a fence of thousands of backticks", "`" * 5_000 + "\ncode\n" + "`" * 5_000),
])
async def test_pathological_text_needs_few_messages(make_harness: HarnessFactory, name: str,
                                                    text: str) -> None:
    harness = await make_harness()
    harness.providers.script("openai", Answer(text, piece_size=500, chunks=whole))
    await harness.send(harness.telegram.private_message(USER, "go"))
    shown = harness.texts(USER)
    assert len(shown) <= utf16_len(text) // 3000 + 2, name
    assert all(utf16_len(part) <= 4096 for part in shown)
    assert (await harness.stored(USER))[-1].text == text  # nothing lost


@pytest.mark.parametrize("text", ["   ", "\n\n\n", " \t \n "])
async def test_an_empty_answer_is_said_not_silent(make_harness: HarnessFactory,
                                                  text: str) -> None:
    harness = await make_harness(providers=("openai",))
    harness.providers.script("openai", text)
    await harness.send(harness.telegram.private_message(USER, "hello?"))
    assert harness.texts(USER) == [
        "The model (openai) answered with nothing. Try rephrasing, or /retry."]
    assert (await harness.stored(USER))[-1].status == "failed"
