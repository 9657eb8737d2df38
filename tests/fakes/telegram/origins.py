"""Where a message came from: forward origins and replies to messages of other chats."""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram.state import TelegramState

_EPOCH = 1_700_000_000


class Origins(TelegramState):
    """Builders of ``forward_origin`` and ``external_reply`` objects for message options."""

    def _origin_date(self) -> int:
        return _EPOCH + int(self.clock.now()) - 3600  # an hour before "now"

    def origin_user(self, user_id: int) -> dict[str, Any]:
        """Sent by a user who allows linking to their account."""
        return {"type": "user", "date": self._origin_date(), "sender_user": self.user(user_id)}

    def origin_hidden_user(self, name: str) -> dict[str, Any]:
        """Sent by a user who hides their account: only a name is known."""
        return {"type": "hidden_user", "date": self._origin_date(), "sender_user_name": name}

    def origin_chat(self, chat_id: int, *, signature: str | None = None) -> dict[str, Any]:
        """Sent on behalf of a group (an anonymous admin)."""
        origin = {"type": "chat", "date": self._origin_date(), "sender_chat": self.chat(chat_id)}
        if signature is not None:
            origin["author_signature"] = signature
        return origin

    def origin_channel(
        self, chat_id: int, message_id: int, *, title: str | None = None,
        signature: str | None = None,
    ) -> dict[str, Any]:
        """A channel post."""
        channel = {"id": chat_id, "type": "channel", "title": title or f"Channel {-chat_id}"}
        origin: dict[str, Any] = {
            "type": "channel",
            "date": self._origin_date(),
            "chat": channel,
            "message_id": message_id,
        }
        if signature is not None:
            origin["author_signature"] = signature
        return origin

    def external_reply(
        self,
        origin: dict[str, Any],
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
        media: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A reply to a message of another chat (``media``: e.g. ``{"photo": [...]}``).

        Telegram sends no text here: what the user quoted comes as ``quote``.
        """
        info: dict[str, Any] = {"origin": origin, **(media or {})}
        if chat_id is not None:
            info["chat"] = self.chat(chat_id)
        if message_id is not None:
            info["message_id"] = message_id
        return info
