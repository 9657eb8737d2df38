"""A long 429 window never holds a chat: answers are stored, the next question goes out."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.bot.conftest import USER, Harness
from tests.fakes.providers import Answer, by_event


def final(text: str) -> Any:
    """Match the call carrying an answer's last look (full text, no Stop button)."""
    return lambda params: text in params.get("text", "") and not params.get("reply_markup")


def flood_on_final(harness: Harness, text: str, seconds: int) -> None:
    """Telegram answers 429 to the call that would show ``text`` in full."""
    for method in ("sendMessage", "editMessageText"):
        harness.telegram.fail_next(method, status=429, retry_after=seconds, match=final(text),
                                   description=f"Too Many Requests: retry after {seconds}")


async def test_a_long_window_on_the_last_edit_does_not_lock_the_chat(harness: Harness) -> None:
    release = asyncio.Event()
    harness.providers.script(
        "openai", "The first answer, complete.",
        Answer("The second answer is on its way", piece_size=6, chunks=by_event, hold_after=3,
               release=release))
    flood_on_final(harness, "The first answer, complete.", 900)

    await harness.send(harness.telegram.private_message(USER, "one"), wait=False)
    await harness.until_stored(USER, lambda rows: len(rows) == 2 and rows[1].status == "complete",
                               "the first answer stored")
    async with asyncio.timeout(10):
        while harness.telegram.count_429 == 0:
            await harness.telegram.next_call()
    assert "The first answer, complete." not in harness.texts(USER)  # Telegram said wait 15 min

    # A question asked meanwhile goes to its provider at once...
    await harness.send(harness.telegram.private_message(USER, "two"), wait=False)
    request = (await harness.providers.wait_for_requests(2))[1]
    await asyncio.wait_for(request.holding.wait(), 10)
    assert request.json["messages"][-1] == {"role": "user", "content": "two"}
    assert request.json["messages"][1] == {"role": "assistant",
                                           "content": "The first answer, complete."}
    # ...and /stop still works, though nothing can reach the chat for now.
    calls_before = len(harness.telegram.calls(chat_id=USER))
    await harness.send(harness.telegram.private_message(USER, "/stop"))
    rows = await harness.until_stored(USER, lambda rows: rows[-1].status == "stopped",
                                      "the second answer stopped")
    assert rows[-1].text.startswith("The second")
    await asyncio.wait_for(request.finished.wait(), 10)
    assert request.outcome == "disconnected"
    assert len(harness.telegram.calls(chat_id=USER)) == calls_before  # the window is kept
    release.set()


async def test_pending_texts_go_out_in_order_when_the_window_ends(harness: Harness) -> None:
    harness.providers.script("openai", "First answer, in full.", "Second answer.")
    flood_on_final(harness, "First answer, in full.", 2)
    await harness.send(harness.telegram.private_message(USER, "one"), wait=False)
    await harness.until_stored(USER, lambda rows: len(rows) == 2 and rows[1].status == "complete",
                               "the first answer stored")
    await harness.send(harness.telegram.private_message(USER, "two"), wait=False)
    await harness.until_stored(USER, lambda rows: len(rows) == 4 and rows[3].status == "complete",
                               "the second answer stored before the window ends")
    assert harness.texts(USER)[-1:] != ["Second answer."]  # held behind the first

    await harness.until_shown(USER, "Second answer.", timeout=15)
    assert harness.texts(USER)[-2:] == ["First answer, in full.", "Second answer."]
    refused = next(c for c in harness.telegram.calls(chat_id=USER) if c.status == 429)
    later = [c for c in harness.telegram.calls(chat_id=USER) if c.at > refused.at]
    assert all(c.at >= refused.at + 2 for c in later)  # nothing inside the window
