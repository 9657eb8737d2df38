"""The fuzzed-update generator: every update valid, every kind and content type produced."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from aiogram.enums import ContentType
from aiogram.types import Message, Update
from pydantic import ValidationError

from tests.fakes.telegram.fuzz import FuzzUpdates
from tests.fakes.telegram.validation import utf16_units

COUNT = 10_000
BOT = {"id": 123456, "is_bot": True, "first_name": "Test LLM Bot", "username": "test_llm_bot"}
MESSAGE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post",
                 "business_message", "edited_business_message", "guest_message")


class Generated:
    """Ten thousand updates, raw and validated."""

    def __init__(self) -> None:
        self.raw = list(FuzzUpdates(7, bot_user=BOT, admin_ids=(1000,)).generate(COUNT))
        self.invalid: list[str] = []
        self.parsed: list[Update] = []
        for update in self.raw:
            try:
                self.parsed.append(Update.model_validate(update))
            except ValidationError as exc:
                self.invalid.append(f"update {update['update_id']}: {exc}")

    def messages(self) -> list[tuple[str, dict[str, Any]]]:
        """Every message-bearing update's kind and raw message."""
        return [(kind, u[kind]) for u in self.raw for kind in MESSAGE_KINDS if kind in u]


@pytest.fixture(scope="module")
def generated() -> Generated:
    """The same ten thousand updates for every test of this module."""
    return Generated()


def test_every_update_validates_and_survives_json(generated: Generated) -> None:
    assert not generated.invalid, "\n".join(generated.invalid[:5])
    assert json.loads(json.dumps(generated.raw)) == generated.raw
    assert [u["update_id"] for u in generated.raw] == list(range(1, COUNT + 1))


def test_every_update_field_is_produced(generated: Generated) -> None:
    kinds = Counter(u.event_type for u in generated.parsed)
    missing = set(Update.model_fields) - {"update_id"} - set(kinds)
    assert not missing, f"never produced: {sorted(missing)}"


def test_every_content_type_is_produced(generated: Generated) -> None:
    produced = Counter(u.event.content_type for u in generated.parsed
                       if isinstance(u.event, Message))
    modelled = {c for c in ContentType if c not in (ContentType.UNKNOWN, ContentType.ANY)}
    missing = modelled - set(produced)
    assert not missing, f"never produced: {sorted(missing)}"
    assert ContentType.UNKNOWN not in produced


def test_the_same_seed_gives_the_same_updates(generated: Generated) -> None:
    again = list(FuzzUpdates(7, bot_user=BOT).generate(50))
    assert again == list(FuzzUpdates(7, bot_user=BOT).generate(50))
    assert again != list(FuzzUpdates(8, bot_user=BOT).generate(50))


def test_texts_keep_telegram_limits_and_entities_stay_inside(generated: Generated) -> None:
    oversized = []
    for _, message in generated.messages():
        for text_key, entities_key, limit in (("text", "entities", 4096),
                                              ("caption", "caption_entities", 1024)):
            text = message.get(text_key)
            if text is None:
                continue
            text.encode("utf-8")  # no lone surrogate anywhere
            size = utf16_units(text)
            if size > limit:
                oversized.append(text)
            for entity in message.get(entities_key, []):
                assert entity["offset"] >= 0
                assert entity["length"] > 0
                assert entity["offset"] + entity["length"] <= size
    # Only the deliberately oversized /system (20,000 characters) is longer than Telegram allows.
    assert oversized
    assert all(text.startswith("/system ") and utf16_units(text) >= 19_000
               for text in oversized)


def test_the_odd_shapes_asked_for_are_there(generated: Generated) -> None:
    texts = {m.get("text") for _, m in generated.messages()}
    for command in ("/model ../../etc", "/providers enable", "/retry@OtherBot",
                    "/stop@test_llm_bot extra"):
        assert command in texts
    assert any("\x00" in (t or "") for t in texts)
    assert max(len(m.get("entities", [])) for _, m in generated.messages()) >= 1000
    data = [u["callback_query"].get("data") for u in generated.raw if "callback_query" in u]
    for odd in ("", "m:set:openai:-5", "stop", "m:provider:nonexistent"):
        assert odd in data
    assert any(d is not None and len(d.encode()) > 60 for d in data)  # 64 bytes of junk
    chats = Counter(m["chat"]["type"] for _, m in generated.messages())
    assert set(chats) == {"private", "group", "supergroup", "channel"}
    senders = [m for _, m in generated.messages() if m["chat"]["type"] != "private"]
    assert any(m.get("sender_chat", {}).get("id") == m["chat"]["id"] for m in senders)
    assert any(m.get("from", {}).get("is_bot") for m in senders)
    assert any(m.get("is_topic_message") for m in senders)
    albums = Counter(m["media_group_id"] for _, m in generated.messages() if "media_group_id" in m)
    assert max(albums.values()) >= 2
