"""The chat message type and the conversions every provider shares."""

from __future__ import annotations

import base64
import binascii
import reprlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

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
    """An image attached to a message: its bytes and MIME type, or a URL the server fetches."""

    data: bytes
    mime_type: str = "image/jpeg"
    url: str = ""  # an http(s) image given by URL (``data`` is then empty)

    def data_url(self) -> str:
        """The URL that carries the image: its own, or a ``data:`` URL of the bytes."""
        if self.url:
            return self.url
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


MessageLike: TypeAlias = ChatMessage | Mapping[str, Any]


def to_messages(messages: Iterable[MessageLike]) -> list[ChatMessage]:
    """Normalise seed-style dicts (and ``ChatMessage``) into ``ChatMessage`` objects.

    A dict's content is text, or OpenAI-style parts (see :func:`read_content`);
    anything else is a ``ValueError`` naming the problem, before anything is sent.
    """
    result: list[ChatMessage] = []
    for message in messages:
        if isinstance(message, ChatMessage):
            result.append(message)
            continue
        role = _ROLE_NAMES.get(str(message.get("role", "")).lower())
        if role is None:
            raise ValueError(f"unknown message role {message.get('role')!r}")
        result.append(ChatMessage(role, *read_content(message.get("content"))))
    return result


def read_content(content: object) -> tuple[str, tuple[Image, ...]]:
    """A message's text and images from its content: text, None, or a list of parts.

    Parts are OpenAI's: ``{"type": "text", "text": ...}`` (the texts are joined
    by line breaks) and ``{"type": "image_url", "image_url": {"url": ...}}``
    (a base64 ``data:`` URL, or an http(s) URL the server fetches itself).
    """
    if content is None or isinstance(content, str):
        return content or "", ()
    if not isinstance(content, list | tuple):
        raise ValueError(f"message content must be text or a list of parts, "
                         f"not {type(content).__name__}")
    texts: list[str] = []
    images: list[Image] = []
    for part in content:
        if not isinstance(part, Mapping):
            raise ValueError(f"a content part is not an object: {reprlib.repr(part)}")
        kind = part.get("type")
        if kind == "text":
            if not isinstance(part.get("text"), str):
                raise ValueError("a text part without text")
            texts.append(part["text"])
        elif kind == "image_url":
            images.append(_image(part.get("image_url")))
        else:
            raise ValueError(f"unsupported content part type {reprlib.repr(kind)}")
    return "\n".join(t for t in texts if t), tuple(images)


def _image(value: object) -> Image:
    """The image of an ``image_url`` part (its ``{"url": ...}`` object, or the bare URL)."""
    url = value.get("url") if isinstance(value, Mapping) else value
    if not isinstance(url, str):
        raise ValueError("an image_url part without an image URL")
    if url.startswith(("https://", "http://")):
        return Image(b"", url=url)
    if not url.startswith("data:"):
        raise ValueError(f"an image URL must be a data: or http(s) URL, not {url[:40]!r}")
    head, _, payload = url.removeprefix("data:").partition(",")
    mime, _, encoding = head.partition(";")
    if encoding != "base64":
        raise ValueError("an image data: URL must be base64")
    try:
        data = base64.b64decode(payload, validate=True)
    except binascii.Error as exc:
        raise ValueError("the image is not valid base64") from exc
    return Image(data, mime or "image/jpeg")


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
