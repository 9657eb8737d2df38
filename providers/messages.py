"""The chat message type and the conversions every provider shares."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

Role: TypeAlias = Literal["system", "user", "assistant"]

_ROLE_NAMES: dict[str, Role] = {
    "system": "system",
    "user": "user",
    "assistant": "assistant",
    # The Vitalentum seed example calls the assistant "bot".
    "bot": "assistant",
}


IMAGE_MARKER = "[image]"
"""What stands for an image in the text sent to a provider that cannot take images."""


@dataclass(frozen=True, slots=True)
class Image:
    """An image attached to a message: its bytes and MIME type."""

    data: bytes
    mime_type: str = "image/jpeg"

    def data_url(self) -> str:
        """The ``data:`` URL that carries the image inline."""
        return f"data:{self.mime_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One turn of a conversation: its text and any images attached to it."""

    role: Role
    content: str
    images: tuple[Image, ...] = ()

    def as_dict(self) -> dict[str, str]:
        """The ``{"role", "content"}`` form the wire protocols use (images left out)."""
        return {"role": self.role, "content": self.content}

    def with_markers(self) -> ChatMessage:
        """The text-only form: each image becomes :data:`IMAGE_MARKER` after the text."""
        if not self.images:
            return self
        text = " ".join([self.content, *[IMAGE_MARKER] * len(self.images)]).strip()
        return ChatMessage(self.role, text)


MessageLike: TypeAlias = ChatMessage | Mapping[str, str]


def to_messages(messages: Iterable[MessageLike]) -> list[ChatMessage]:
    """Normalise seed-style dicts (and ``ChatMessage``) into ``ChatMessage`` objects."""
    result: list[ChatMessage] = []
    for message in messages:
        if isinstance(message, ChatMessage):
            result.append(message)
            continue
        role = _ROLE_NAMES.get(str(message.get("role", "")).lower())
        if role is None:
            raise ValueError(f"unknown message role {message.get('role')!r}")
        result.append(ChatMessage(role, str(message.get("content", ""))))
    return result


def format_prompt(messages: Iterable[ChatMessage]) -> str:
    """Flatten a conversation into one prompt, as single-turn protocols expect.

    One message is sent as its bare content; several become ``Role: content``
    lines (blank messages skipped) followed by ``Assistant:``.
    """
    items = list(messages)
    if len(items) == 1:
        return items[0].content
    lines = [f"{m.role.capitalize()}: {m.content}" for m in items if m.content.strip()]
    return "\n".join(lines) + "\nAssistant:"
