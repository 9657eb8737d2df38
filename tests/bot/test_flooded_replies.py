"""A reply that flood control will not let through for long is dropped, quietly.

A chat in a long 429 window (a busy group, a hot private chat) cannot take a
command's reply; the handler gives up rather than hang. That is no error of the
bot's, and an apology sent into the same window would only lengthen it.
"""

from __future__ import annotations

import logging

import pytest

from tests.bot.conftest import USER, Harness


async def test_a_reply_refused_by_flood_control_is_dropped_without_an_apology(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.telegram.fail_next("sendMessage", status=429, retry_after=120,
                               description="Too Many Requests: retry after 120")
    with caplog.at_level(logging.INFO):
        await harness.send(harness.telegram.private_message(USER, "/help"))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert not any("apologise" in r.getMessage() for r in caplog.records)
    assert any("flood" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert len(harness.telegram.calls("sendMessage", chat_id=USER)) == 1  # no second try
