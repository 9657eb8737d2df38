"""Upstream error texts reach bot admins only in private, and never with a secret in them."""

from __future__ import annotations

from tests.bot.conftest import ADMIN, GROUP, USER, Harness
from tests.fakes.providers import Failure

KEY = "test-key"  # OPENAI_API_KEY of the harness
UPSTREAM = f"invalid api key {KEY} at upstream-7.internal"


async def test_users_see_only_the_kind_of_failure(harness: Harness) -> None:
    for name in ("openai", "flowgpt", "vitalentum", "ai365vip", "codelinkava"):
        harness.providers.script(name, Failure(401, UPSTREAM))
    await harness.send(harness.telegram.private_message(USER, "hi"))
    text = harness.last_text(USER)
    assert text.startswith("No provider could answer:\n• openai: the provider refused access")
    assert "upstream-7" not in text
    assert KEY not in text


async def test_admins_see_details_in_private_with_secrets_redacted(harness: Harness) -> None:
    harness.providers.script("openai", Failure(401, UPSTREAM))
    await harness.send(harness.telegram.private_message(ADMIN, "/providers check"))
    openai = next(line for line in harness.last_text(ADMIN).splitlines() if " openai " in line)
    assert "invalid api key [redacted] at upstream-7" in openai
    assert KEY not in harness.last_text(ADMIN)


async def test_in_a_group_admins_see_the_list_without_details(harness: Harness) -> None:
    harness.providers.script("openai", Failure(401, UPSTREAM))
    await harness.send(harness.telegram.group_message(GROUP, ADMIN, "/providers check"))
    text = harness.last_text(GROUP)
    assert text.startswith("Providers (default: openai:fake-model-a):")
    openai = next(line for line in text.splitlines() if " openai " in line)
    assert "last error: 20" in openai
    assert "upstream-7" not in text
    assert text.endswith("Error details are shown only in a private chat with me.")
