"""Learning which models omit ``<think>``: per endpoint and model, reversible, bounded."""

from __future__ import annotations

import aiohttp

from providers.events import Finish, ReasoningPiece, ReasoningWithdrawn, TextPiece
from providers.openai import THINKING_MODELS_MAX, OpenAICompatible
from providers.think import ThinkSplitter
from tests.fakes.providers import Answer, FakeProviderServer
from tests.providers import collect, collect_events
from tests.providers.conftest import TEST_TIMEOUTS, ProviderFactory
from tests.providers.test_openai_streams import HI, joined

UNOPENED = Answer("42", reasoning="Hm.", reasoning_style="think_unopened", piece_size=2)


async def test_a_learnt_model_answering_without_the_tag_keeps_its_answer(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", UNOPENED, Answer("Plain answer.", piece_size=4))
    provider = make_provider("openai")
    await collect_events(provider.events(HI))  # learnt: the tag came too late
    # Expected as reasoning, but no "</think>" ever came: the text is the answer after all.
    third = joined(await collect_events(provider.events(HI)))
    assert third == [ReasoningPiece("Plain answer."), ReasoningWithdrawn(),
                     TextPiece("Plain answer."), Finish("stop")]
    # ... and the model is forgotten: its next answer streams as text from the start.
    fourth = joined(await collect_events(provider.events(HI)))
    assert fourth == [TextPiece("Plain answer."), Finish("stop")]
    assert "".join(await collect(provider.stream(HI))) == "Plain answer."


async def test_a_learnt_model_that_still_closes_its_thoughts_stays_learnt(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", UNOPENED)
    provider = make_provider("openai")
    await collect_events(provider.events(HI))
    for _ in range(2):
        events = joined(await collect_events(provider.events(HI)))
        assert events == [ReasoningPiece("Hm."), TextPiece("42"), Finish("stop")]


async def test_learning_is_per_endpoint(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script("local", UNOPENED)
    server.script("other", UNOPENED)
    local, other = (OpenAICompatible(session, name=name, base_url=server.url_for(name),
                                     models=("same-model",), timeouts=TEST_TIMEOUTS)
                    for name in ("local", "other"))
    await collect_events(local.events(HI))
    assert joined(await collect_events(local.events(HI)))[0] == ReasoningPiece("Hm.")
    assert joined(await collect_events(other.events(HI)))[0] == TextPiece("Hm.\n\n42")


async def test_a_server_that_takes_any_model_name_cannot_grow_the_memory(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", UNOPENED)
    provider = make_provider("openai", models=())
    names = [f"model-{i}" for i in range(THINKING_MODELS_MAX + 5)]
    for name in names:
        await collect_events(provider.events(HI, model=name))
    assert isinstance(provider, OpenAICompatible)
    assert len(provider.thinking_models) == THINKING_MODELS_MAX
    newest = joined(await collect_events(provider.events(HI, model=names[-1])))
    assert newest[0] == ReasoningPiece("Hm.")  # the latest are remembered
    oldest = joined(await collect_events(provider.events(HI, model=names[0])))
    assert oldest[0] == TextPiece("Hm.\n\n42")  # the oldest made room


def test_an_assumed_thought_that_never_closes_becomes_the_answer() -> None:
    splitter = ThinkSplitter(thinking=True)
    assert splitter.feed("  Just ") == [ReasoningPiece("Just ")]
    assert splitter.feed("text.") == [ReasoningPiece("text.")]
    assert splitter.close() == [ReasoningWithdrawn(), TextPiece("Just text.")]
    assert splitter.disproved


def test_an_explicit_unclosed_think_stays_reasoning() -> None:
    splitter = ThinkSplitter(thinking=True)
    assert splitter.feed("<think>hm") == [ReasoningPiece("hm")]
    assert splitter.close() == []
    assert not splitter.disproved
