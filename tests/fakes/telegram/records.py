"""What the fake Bot API remembers: the calls it received and the messages it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    at: float  # on the fake's clock
    status: int = 200
    description: str = ""

    @property
    def chat_id(self) -> Any:
        """The call's ``chat_id`` parameter, if any."""
        return self.params.get("chat_id")


@dataclass
class FakeMessage:
    """The current state of one message in a chat."""

    chat_id: int
    message_id: int
    text: str
    from_bot: bool
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    thread_id: int | None = None
    reply_to: int | None = None
    user_id: int | None = None
    deleted: bool = False
    edits: int = 0
    media: dict[str, Any] = field(default_factory=dict)  # photo, document…: ``text`` is the caption
    context: dict[str, Any] = field(default_factory=dict)  # quote, external_reply, forward_origin
