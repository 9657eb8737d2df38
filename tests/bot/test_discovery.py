"""An OpenAI-compatible server without OPENAI_MODELS: its models are asked at startup."""

from __future__ import annotations

from tests.bot.conftest import USER, HarnessFactory


async def test_models_come_from_the_server(make_harness: HarnessFactory) -> None:
    harness = await make_harness(openai_models=())
    await harness.send(harness.telegram.private_message(USER, "/model"))
    assert harness.last_text(USER).startswith("Model in this chat: openai:fake-model-a")
    await harness.send(harness.telegram.private_message(USER, "/model fake-model-b"))
    assert harness.last_text(USER) == "Model set: openai:fake-model-b"
    listing = [r for r in harness.providers.requests if r.path.endswith("/models")]
    assert len(listing) == 1
    assert listing[0].headers["Authorization"] == "Bearer test-key"
