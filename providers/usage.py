"""Token estimates for servers that report no usage (the seed protocols, most local servers).

A rough rule, documented so nobody mistakes it for a count: about four
characters of text per token, plus a few tokens of framing per message, and
a fixed amount per image.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from providers.messages import ChatMessage

CHARS_PER_TOKEN = 4
TOKENS_PER_MESSAGE = 4
TOKENS_PER_IMAGE = 765  # a high-detail 1024×1024 image at OpenAI's rates


def estimate_tokens(text: str) -> int:
    """Roughly how many tokens ``text`` is."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def estimate_prompt_tokens(messages: Iterable[ChatMessage]) -> int:
    """Roughly how many tokens a request's messages are."""
    total = 0
    for message in messages:
        total += TOKENS_PER_MESSAGE + estimate_tokens(message.content)
        total += TOKENS_PER_IMAGE * len(getattr(message, "images", ()))
    return total
