"""Token usage: stored with every answer, shown by /usage, and spent against daily budgets."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, update

from bot.db import Message, create_session_factory
from tests.bot.conftest import ADMIN, GROUP, USER, Harness, HarnessFactory
from tests.fakes.providers import Answer


async def test_reported_and_estimated_usage_is_stored(harness: Harness) -> None:
    harness.providers.script("openai", Answer("Reported.", usage=(12, 3)))
    harness.providers.script("flowgpt", "Estimated, since this protocol reports nothing.")
    await harness.send(harness.telegram.private_message(USER, "one"))
    await harness.send(harness.telegram.private_message(USER, "/model flowgpt"))
    await harness.send(harness.telegram.private_message(USER, "two"))
    first, second = [m for m in await harness.stored(USER) if m.role == "assistant"]
    assert (first.prompt_tokens, first.completion_tokens, first.tokens_estimated) == (12, 3, False)
    assert second.tokens_estimated is True
    assert second.completion_tokens == math.ceil(len(second.text) / 4)  # ~4 characters a token
    assert (second.prompt_tokens or 0) > 0


async def test_usage_per_model_for_the_asker_and_the_chat(harness: Harness) -> None:
    harness.providers.script("openai", Answer("Reported.", usage=(12, 3)))
    await harness.send(harness.telegram.group_message(GROUP, USER, "one", mention=True))
    await harness.send(harness.telegram.group_message(GROUP, ADMIN, "two", mention=True))
    await harness.send(harness.telegram.group_message(GROUP, USER, "/usage"))
    report = harness.last_text(GROUP)
    assert report == (
        "📊 Your tokens\n"
        "today (UTC): 15\n  • openai:fake-model-a — 15\n"
        "this month: 15\n  • openai:fake-model-a — 15\n\n"
        "📊 This chat's tokens\n"
        "today (UTC): 30\n  • openai:fake-model-a — 30\n"
        "this month: 30\n  • openai:fake-model-a — 30\n\n"
        "≈ marks estimates, where the server reported no usage.")


async def test_usage_of_everyone_is_for_bot_admins_in_private(harness: Harness) -> None:
    harness.providers.script("openai", Answer("Reported.", usage=(100, 20)))
    harness.telegram.set_user(USER, first_name="Ann")
    await harness.send(harness.telegram.private_message(USER, "hello"))
    await harness.send(harness.telegram.private_message(USER, "/usage all"))
    assert harness.last_text(USER) == "This command is for the bot's admins."
    await harness.send(harness.telegram.group_message(GROUP, ADMIN, "/usage all"))
    assert harness.last_text(GROUP) == "Ask for /usage all in a private chat with me."
    await harness.send(harness.telegram.private_message(ADMIN, "/usage all"))
    report = harness.last_text(ADMIN)
    assert f"  • Ann ({USER}) — 120" in report
    assert "📊 Tokens per provider" in report
    assert "  • openai — 120" in report


async def test_a_daily_budget_stops_questions_until_midnight(make_harness: HarnessFactory) -> None:
    harness = await make_harness(daily_token_limit=20)
    harness.providers.script("openai", Answer("ok", usage=(10, 5)))
    for question in ("one", "two", "three"):
        await harness.send(harness.telegram.private_message(USER, question))
    refusal = harness.last_text(USER)
    assert re.fullmatch(r"You have used today's 20 tokens\. The limit resets at midnight UTC, "
                        r"in \d+ h \d+ min\.", refusal)
    assert len(harness.provider_bodies("openai")) == 2  # the third never reached it
    # Bot admins are exempt.
    await harness.send(harness.telegram.private_message(ADMIN, "admin question"))
    assert harness.last_text(ADMIN) == "ok"
    # A new UTC day: yesterday's tokens no longer count.
    async with create_session_factory(harness.app.engine)() as session, session.begin():
        await session.execute(update(Message).values(
            created_at=datetime.now(UTC) - timedelta(days=1)))
    await harness.send(harness.telegram.private_message(USER, "four"))
    assert harness.last_text(USER) == "ok"


async def test_usage_with_many_long_model_names_fits_one_message(harness: Harness) -> None:
    harness.providers.script("openai", Answer("Reported.", usage=(12, 3)))
    for number in range(12):
        await harness.send(harness.telegram.group_message(GROUP, USER, f"q{number}",
                                                          mention=True))
    async with create_session_factory(harness.app.engine)() as session, session.begin():
        await session.execute(update(Message).where(Message.role == "assistant").values(
            model=Message.id.cast(String) + "-" + "x" * 115))  # 128 characters at most
    await harness.send(harness.telegram.group_message(GROUP, USER, "/usage"))
    report = harness.last_text(GROUP)
    assert len(report) <= 4096
    assert report.endswith("\n\n≈ marks estimates, where the server reported no usage.")
    assert report.startswith("📊 Your tokens\ntoday (UTC): 180\n  • openai:")
    lists = re.findall(r"(?:\n  • openai:\d+-x+ — 15)+\n  … and (\d+) more", report)
    assert len(lists) == 4
    assert all(0 < int(hidden) < 12 for hidden in lists)
