"""Token estimates, for when a server reports no usage.

A heuristic, not a tokenizer: about four characters of English per token
(OpenAI's rule of thumb; other scripts and code run denser, so this tends to
undercount them), a few tokens of framing per message, and a fixed amount per
image (what OpenAI charges for one 512-pixel tile in high detail plus the base,
rounded: 255 tokens).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from providers.messages import MessageLike, to_messages

CHARS_PER_TOKEN: Final = 4
MESSAGE_TOKENS: Final = 4  # role and separators around each message
REPLY_TOKENS: Final = 3  # the primer of the assistant's reply
IMAGE_TOKENS: Final = 255


def estimate_tokens(text: str) -> int:
    """Tokens in ``text``: its length over :data:`CHARS_PER_TOKEN`, rounded up (0 for "")."""
    return -(-len(text) // CHARS_PER_TOKEN)


def estimate_prompt_tokens(messages: Iterable[MessageLike]) -> int:
    """Tokens a conversation costs as a prompt: texts, per-message framing, images."""
    items = to_messages(messages)
    if not items:
        return 0
    return REPLY_TOKENS + sum(
        MESSAGE_TOKENS + estimate_tokens(m.content) + IMAGE_TOKENS * len(m.images)
        for m in items)
