"""Lists shortened to fit one message: the model list and the /providers listing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.handlers.listing import fitted, room_for
from bot.handlers.model_keyboards import page_of
from bot.handlers.replies import status_lines
from bot.redaction import Redactor
from bot.services.providers import ProviderStatus
from tests.fakes.telegram import utf16_units


def more(count: int) -> str:
    return f"… and {count} more"


def test_everything_that_fits_is_listed_whole() -> None:
    assert fitted(["a", "b", "c"], 100, separator=", ", more=more) == "a, b, c"
    assert fitted([], 100, separator=", ", more=more) == ""


def test_a_limit_lists_the_first_and_counts_the_rest() -> None:
    items = [f"model-{i}" for i in range(600)]
    assert fitted(items, 4000, separator=", ", more=more, limit=3) == (
        "model-0, model-1, model-2, … and 597 more")


@pytest.mark.parametrize("budget", [5, 20, 37, 100, 500])
def test_the_budget_is_never_exceeded(budget: int) -> None:
    items = ["😀" * 7] * 50  # 14 UTF-16 units each
    text = fitted(items, budget, separator="; ", more=more)
    assert utf16_units(text) <= budget
    if budget >= 100:
        assert text.endswith(more(50 - text.count("😀" * 7)))


def test_room_for_counts_utf16_units() -> None:
    assert room_for("😀") == 4094


@pytest.mark.parametrize(("total", "wanted", "expected"), [
    (600, 6, (6, 30, 120, 140)), (600, 99, (29, 30, 580, 600)), (600, -1, (0, 30, 0, 20)),
    (0, 0, (0, 1, 0, 0)), (20, 1, (0, 1, 0, 20)), (21, 1, (1, 2, 20, 21)),
])
def test_pages(total: int, wanted: int, expected: tuple[int, int, int, int]) -> None:
    page = page_of(total, 20, wanted)
    assert (page.number, page.count, page.start, page.stop) == expected


def statuses(count: int, error: str) -> list[ProviderStatus]:
    moment = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    return [ProviderStatus(name=f"endpoint{i}", enabled=True, last_ok_at=None,
                           last_error_at=moment, last_error=error, first_piece_ms=None)
            for i in range(count)]


def test_many_providers_fit_in_one_listing() -> None:
    text = status_lines(statuses(300, "HTTP 502: " + "x" * 200), "endpoint0:m", "en",
                        details=str)
    assert utf16_units(text) <= 4096
    assert text.startswith("Providers (default: endpoint0:m):\n✅ endpoint0 — on;")
    assert text.splitlines()[-1].startswith("… and ")
    assert " (HTTP 502: xxx" in text


def test_error_details_are_redacted_or_left_out() -> None:
    secret = "sk-live-0123456789"
    listed = statuses(2, f"401 invalid key {secret} for https://api.example/v1")
    shown = status_lines(listed, "-", "en", details=Redactor([secret]))
    assert secret not in shown
    assert "invalid key [redacted]" in shown
    withheld = status_lines(listed, "-", "en", details=None)
    assert "invalid key" not in withheld
    assert "last error: 2026-01-02 03:04 UTC; first piece" in withheld
    assert withheld.endswith("Error details are shown only in a private chat with me.")
