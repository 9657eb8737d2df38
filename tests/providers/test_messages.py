"""Message normalisation and the flattened prompt of single-turn protocols."""

from __future__ import annotations

import pytest

from providers.messages import ChatMessage, format_prompt, to_messages


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
