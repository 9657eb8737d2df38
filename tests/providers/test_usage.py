"""Token estimates for servers that report no usage."""

from __future__ import annotations

from providers.messages import ChatMessage, Image, MessageLike
from providers.usage import (
    IMAGE_TOKENS,
    MESSAGE_TOKENS,
    REPLY_TOKENS,
    estimate_prompt_tokens,
    estimate_tokens,
)


def test_about_four_characters_per_token_rounded_up() -> None:
    assert [estimate_tokens(t) for t in ("", "a", "abcd", "abcde", "x" * 400)] == [0, 1, 1, 2, 100]


def test_prompt_counts_texts_framing_and_images() -> None:
    messages: list[MessageLike] = [
        ChatMessage("system", "x" * 40), ChatMessage("user", "y" * 8, (Image(b"1"),)),
        {"role": "assistant", "content": "z" * 4}]
    expected = REPLY_TOKENS + 3 * MESSAGE_TOKENS + 10 + 2 + 1 + IMAGE_TOKENS
    assert estimate_prompt_tokens(messages) == expected
    assert estimate_prompt_tokens([]) == 0


def test_more_text_never_costs_less() -> None:
    sizes = [estimate_tokens("w" * n) for n in range(200)]
    assert sizes == sorted(sizes)
