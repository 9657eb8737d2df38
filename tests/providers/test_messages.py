"""Message normalisation and the flattened prompt of single-turn protocols."""

from __future__ import annotations

import base64
import re

import pytest

from providers.messages import ChatMessage, Image, format_prompt, to_messages


def test_seed_dicts_become_messages_and_bot_is_the_assistant() -> None:
    messages = to_messages([
        {"role": "system", "content": "S"},
        {"role": "user", "content": "Hello, how are you?"},
        {"role": "bot", "content": "I am doing well, thank you for asking."},
        {"role": "Assistant", "content": "A"},
        ChatMessage("user", "U"),
    ])
    assert messages == [
        ChatMessage("system", "S"),
        ChatMessage("user", "Hello, how are you?"),
        ChatMessage("assistant", "I am doing well, thank you for asking."),
        ChatMessage("assistant", "A"),
        ChatMessage("user", "U"),
    ]


def test_unknown_role_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(ValueError, match="unknown message role 'tool'"):
        to_messages([{"role": "tool", "content": "x"}])


def test_as_dict_is_the_wire_form() -> None:
    assert ChatMessage("user", "hi").as_dict() == {"role": "user", "content": "hi"}


@pytest.mark.parametrize(("messages", "prompt"), [
    ([ChatMessage("user", "just this")], "just this"),
    ([ChatMessage("system", "S"), ChatMessage("user", "U")], "System: S\nUser: U\nAssistant:"),
    ([ChatMessage("user", "Q"), ChatMessage("assistant", "A"), ChatMessage("user", "Q2")],
     "User: Q\nAssistant: A\nUser: Q2\nAssistant:"),
    ([ChatMessage("system", "  "), ChatMessage("user", "U"), ChatMessage("assistant", "")],
     "User: U\nAssistant:"),
])
def test_format_prompt(messages: list[ChatMessage], prompt: str) -> None:
    assert format_prompt(messages) == prompt


PNG = b"\x89PNG\r\n\x1a\nfake"


def test_content_parts_become_text_and_images() -> None:
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    [message] = to_messages([{"role": "user", "content": [
        {"type": "text", "text": "What is"},
        {"type": "image_url", "image_url": {"url": url}},
        {"type": "text", "text": "this?"},
        {"type": "image_url", "image_url": "https://example.com/cat.jpg"},
    ]}])
    assert message == ChatMessage("user", "What is\nthis?", (
        Image(PNG, "image/png"), Image(b"", url="https://example.com/cat.jpg")))
    assert message.with_markers() == ChatMessage("user", "What is\nthis? [image] [image]")


def test_empty_content_is_empty_text() -> None:
    assert to_messages([{"role": "assistant", "content": None},
                        {"role": "user", "content": []}]) == [
        ChatMessage("assistant", ""), ChatMessage("user", "")]


@pytest.mark.parametrize(("content", "problem"), [
    ([{"type": "input_audio", "input_audio": {"data": "..."}}], "part type 'input_audio'"),
    ([{"type": "text", "text": 5}], "text part without text"),
    (["just a string"], "content part is not an object"),
    ([{"type": "image_url", "image_url": {"url": "data:image/png;base64,@@@"}}],
     "image is not valid base64"),
    ([{"type": "image_url", "image_url": {"url": "ftp://x/y.png"}}], "image URL"),
    ([{"type": "image_url"}], "image URL"),
    (42, "content must be text or a list of parts"),
])
def test_bad_content_parts_are_clear_errors(content: object, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        to_messages([{"role": "user", "content": content}])
