"""Odd but valid input the fuzzer found trouble with: each is answered, nothing breaks."""

from __future__ import annotations

from tests.bot.conftest import ADMIN, USER, Harness


async def test_a_model_name_too_long_to_store_is_refused(harness: Harness) -> None:
    # vitalentum takes any model name; the database keeps at most 128 characters of one.
    await harness.send(harness.telegram.private_message(USER, "/model vitalentum:" + "m" * 129))
    assert "at most 128 characters" in harness.last_text(USER)
    await harness.send(harness.telegram.private_message(USER, "/model"))
    assert harness.last_text(USER).startswith("Model in this chat: openai:fake-model-a")
    await harness.send(harness.telegram.private_message(
        ADMIN, "/providers default vitalentum:" + "m" * 129))
    assert "at most 128 characters" in harness.last_text(ADMIN)
    await harness.send(harness.telegram.private_message(USER, "/model vitalentum:" + "m" * 128))
    assert harness.last_text(USER) == "Model set: vitalentum:" + "m" * 128
