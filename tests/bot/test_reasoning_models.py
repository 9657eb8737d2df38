"""Reasoning models and real servers' quirks, end to end: what the chat shows, what is stored."""

from __future__ import annotations

import asyncio

import pytest

from tests.bot.conftest import USER, Harness, HarnessFactory
from tests.fakes.providers import Answer, RejectsStreamOptions, by_event, last_user_text

STYLES = ["reasoning_content", "reasoning", "think"]


@pytest.mark.parametrize("style", STYLES)
async def test_reasoning_shows_a_status_and_never_reaches_the_answer(
        make_harness: HarnessFactory, style: str) -> None:
    harness = await make_harness(providers=("openai",))
    thoughts = "The user wants a number. Forty-two fits."
    harness.providers.script("openai", Answer("It is 42.", reasoning=thoughts,
                                              reasoning_style=style, piece_size=4))
    await harness.send(harness.telegram.private_message(USER, "the answer?"))
    await harness.send(harness.telegram.private_message(USER, "and again?"))
    assert harness.texts(USER) == ["It is 42.", "It is 42."]
    stored = [m.text for m in await harness.stored(USER)]
    assert stored == ["the answer?", "It is 42.", "and again?", "It is 42."]
    # Reasoning is never sent back to the model.
    second = harness.provider_bodies("openai")[1]["messages"]
    assert second[1] == {"role": "assistant", "content": "It is 42."}


async def test_a_template_without_the_opening_tag_is_learned(harness: Harness) -> None:
    # "Hm.</think>\n\n42": the first answer cannot know the text before a lone </think> was
    # reasoning (it streamed already); from then on that model's answers start as reasoning.
    harness.providers.script("openai", Answer("It is 42.", reasoning="Hm, towels.",
                                              reasoning_style="think_unopened", piece_size=4))
    await harness.send(harness.telegram.private_message(USER, "first"))
    await harness.send(harness.telegram.private_message(USER, "second"))
    assert harness.texts(USER)[1] == "It is 42."
    assert (await harness.stored(USER))[-1].text == "It is 42."


async def test_a_long_think_shows_thinking_within_an_interval(harness: Harness) -> None:
    release = asyncio.Event()
    harness.providers.script("openai", Answer("Done thinking.", reasoning="hm " * 40,
                                              piece_size=6, chunks=by_event, hold_after=5,
                                              release=release))
    await harness.send(harness.telegram.private_message(USER, "think hard"), wait=False)
    [status] = await harness.telegram.wait_calls("sendMessage", chat_id=USER)
    assert status.params["text"].startswith("💭 Thinking… ")
    assert status.params["reply_markup"]  # the Stop button works while it thinks
    release.set()
    await harness.until_shown(USER, "Done thinking.")
    assert harness.texts(USER) == ["Done thinking."]


async def test_collapsed_reasoning_is_quoted_above_the_answer(
        make_harness: HarnessFactory) -> None:
    harness = await make_harness(show_reasoning="collapsed")
    harness.providers.script("openai", Answer("It is **42**.", reasoning="Count the towels.",
                                              reasoning_style="think", piece_size=5))
    await harness.send(harness.telegram.private_message(USER, "why?"))
    [message] = harness.telegram.messages(USER)
    assert message.text == "Count the towels.\n\nIt is 42."
    assert message.entities[0] == {"type": "expandable_blockquote", "offset": 0, "length": 17}
    assert (await harness.stored(USER))[-1].text == "It is **42**."


async def test_a_learned_model_that_answers_plainly_shows_its_answer_once(
        make_harness: HarnessFactory) -> None:
    # Learned to omit "<think>", the model then answers without thinking: its text streamed
    # as assumed reasoning comes back as the answer, and is not quoted as reasoning too.
    harness = await make_harness(show_reasoning="collapsed")
    harness.providers.script("openai", Answer("It is 42.", reasoning="Hm, towels.",
                                              reasoning_style="think_unopened", piece_size=4),
                             Answer("Plainly 43.", piece_size=4))
    await harness.send(harness.telegram.private_message(USER, "first"))
    await harness.send(harness.telegram.private_message(USER, "second"))
    second = harness.telegram.messages(USER)[-1]
    assert second.text == "Plainly 43."
    assert not [e for e in second.entities or () if e["type"] == "expandable_blockquote"]
    assert (await harness.stored(USER))[-1].text == "Plainly 43."


async def test_an_error_inside_the_stream_before_any_text_falls_back(harness: Harness) -> None:
    harness.providers.script("openai", Answer("never", error_after=0, error="overloaded"))
    harness.providers.script("flowgpt", "From the next provider.")
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.texts(USER) == ["From the next provider."]
    answer = (await harness.stored(USER))[-1]
    assert (answer.provider, answer.status) == ("flowgpt", "complete")


@pytest.mark.parametrize("style", ["object", "choices", "finish"])
async def test_an_error_inside_the_stream_after_text_ends_the_answer_visibly(
        harness: Harness, style: str) -> None:
    harness.providers.script("openai", Answer("Partial text here", piece_size=4, error_after=2,
                                              error="upstream overloaded", error_style=style))
    await harness.send(harness.telegram.private_message(USER, "hi"))
    [shown] = harness.texts(USER)
    assert shown == "Partial\n\n⚠️ The answer was cut off: the provider reported an error."
    assert "overloaded" not in shown  # the upstream's words stay in the log
    answer = (await harness.stored(USER))[-1]
    assert (answer.status, answer.text) == ("interrupted", "Partial ")
    assert harness.providers.requests_for("flowgpt") == []  # never spliced


@pytest.mark.parametrize(("reason", "note"), [
    ("length", "✂️ The model stopped here: it reached its output limit."),
    ("content_filter", "⚠️ The provider's content filter stopped this answer."),
])
async def test_finish_reasons_get_a_note(harness: Harness, reason: str, note: str) -> None:
    harness.providers.script("openai", Answer("Cut short", finish_reason=reason))
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.texts(USER) == [f"Cut short\n\n{note}"]
    assert (await harness.stored(USER))[-1].status == "complete"


async def test_a_server_that_ignores_streaming_still_answers(harness: Harness) -> None:
    harness.providers.script("openai", Answer("One whole body.", streaming=False))
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.texts(USER) == ["One whole body."]


async def test_a_server_refusing_stream_options_is_asked_again_without(harness: Harness) -> None:
    harness.providers.script("openai", RejectsStreamOptions("Fine without it."))
    await harness.send(harness.telegram.private_message(USER, "hi"))
    await harness.send(harness.telegram.private_message(USER, "again"))
    assert harness.texts(USER) == ["Fine without it.", "Fine without it."]
    bodies = harness.provider_bodies("openai")
    assert "stream_options" in bodies[0]
    assert all("stream_options" not in body for body in bodies[1:])
    assert len(bodies) == 3  # refused once, then remembered


async def test_keep_alives_are_not_progress(make_harness: HarnessFactory) -> None:
    harness = await make_harness(provider_timeout=0.3)
    never = asyncio.Event()
    harness.providers.script("openai", Answer("late", hold_after=1, release=never,
                                              keepalive=b": OPENROUTER PROCESSING\n\n",
                                              chunks=by_event))
    harness.providers.script("flowgpt", "The next provider answered.")
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.texts(USER) == ["The next provider answered."]
    never.set()


async def test_a_silent_provider_is_a_visible_failure(make_harness: HarnessFactory) -> None:
    harness = await make_harness(providers=("openai",), provider_timeout=0.3)
    never = asyncio.Event()
    harness.providers.script("openai", Answer("late", hold_after=1, release=never,
                                              keepalive=b": ping\n\n", chunks=by_event))
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.texts(USER) == [
        "The model (openai) went silent and I gave up waiting. Try again, or pick another "
        "model with /model."]
    never.set()


async def test_silence_in_the_middle_keeps_what_was_shown(make_harness: HarnessFactory) -> None:
    harness = await make_harness(provider_timeout=0.3)
    never = asyncio.Event()
    harness.providers.script("openai", Answer("Some words then nothing", piece_size=5,
                                              chunks=by_event, hold_after=3, release=never,
                                              keepalive=b": ping\n\n"))
    await harness.send(harness.telegram.private_message(USER, "hi"))
    [shown] = harness.texts(USER)
    assert shown.endswith("\n\n⚠️ The answer was cut off: the model went silent.")
    assert shown.startswith("Some words")
    assert (await harness.stored(USER))[-1].status == "interrupted"
    never.set()


async def test_two_endpoints_and_a_seed_protocol_in_one_bot(make_harness: HarnessFactory) -> None:
    harness = await make_harness(providers=("openai", "ollama", "flowgpt"), endpoints=("ollama",),
                                 ollama_models=("llama3", "qwen3"))
    for name in ("openai", "ollama", "flowgpt"):
        harness.providers.script(name, lambda body, name=name: f"{name}: {last_user_text(body)}")
    await harness.send(harness.telegram.private_message(USER, "/model ollama:qwen3"))
    assert harness.last_text(USER) == "Model set: ollama:qwen3"
    await harness.send(harness.telegram.private_message(USER, "hello"))
    assert harness.last_text(USER) == "ollama: hello"
    assert harness.provider_bodies("ollama")[-1]["model"] == "qwen3"
    await harness.send(harness.telegram.private_message(USER, "/model flowgpt"))
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.last_text(USER) == "flowgpt: hi"


async def test_max_output_tokens_is_sent(make_harness: HarnessFactory) -> None:
    harness = await make_harness(max_output_tokens=256)
    harness.providers.script("openai", "short")
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.provider_bodies("openai")[0]["max_tokens"] == 256
