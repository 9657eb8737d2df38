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


@dataclass(frozen=True)
class WebhookConfig:
    """What ``setWebhook`` asked for."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: tuple[str, ...] | None = None  # None: every type but a few special ones


@dataclass
class WebhookDelivery:
    """One attempt to POST an update to the webhook, and how it ended."""

    update_id: int
    attempt: int  # 1 for the first delivery of this update, 2 for its redelivery...
    at: float  # on the loop's clock (deliveries run in real time)
    status: int | None = None  # the HTTP status; None while in flight or without a response
    error: str = ""  # why it counts as failed ("Read timeout expired", "Connection refused"...)

    @property
    def delivered(self) -> bool:
        """Answered 2xx: Telegram forgets the update."""
        return self.status is not None and 200 <= self.status < 300
