"""What users do: updates queued for the bot's getUpdates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.fakes.telegram.state import TelegramState
from tests.fakes.telegram.validation import utf16_units


class UserActions(TelegramState):
    """Builders of the updates a user's actions produce, and the queue they go to."""

    def push_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue a raw update for getUpdates (``update_id`` added when missing)."""
        queued = dict(update)
        queued.setdefault("update_id", next(self._update_ids))
        self._updates.append(queued)
        self._updated.set()
        return queued

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    def private_message(
        self,
        user_id: int,
        text: str,
        *,
        reply_to_message_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A user writes to the bot in a private chat (commands get their entity)."""
        message = self._store(
            user_id, text, entities, from_bot=False, user_id=user_id, reply_to=reply_to_message_id
        )
        return self.push_update({"message": self.message_json(message)})

    def group_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        mention: bool = False,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A user writes in a group; ``mention`` prefixes ``@botname`` with a mention entity."""
        entities = list(entities or [])
        if mention:
            handle = f"@{self.bot_user['username']}"
            shift = utf16_units(handle) + 1
            entities = [
                {"type": "mention", "offset": 0, "length": shift - 1},
                *({**e, "offset": e["offset"] + shift} for e in entities),
            ]
            text = f"{handle} {text}"
        message = self._store(
            chat_id,
            text,
            entities,
            from_bot=False,
            user_id=user_id,
            thread_id=thread_id,
            reply_to=reply_to_message_id,
        )
        return self.push_update({"message": self.message_json(message)})

    def callback_query(
        self, chat_id: int, user_id: int, message_id: int, data: str
    ) -> dict[str, Any]:
        """A user presses an inline button under one of the bot's messages."""
        query = {
            "id": str(next(self._callback_ids)),
            "from": self.user(user_id),
            "chat_instance": str(chat_id),
            "data": data,
            "message": self.message_json(self.message(chat_id, message_id)),
        }
        return self.push_update({"callback_query": query})

    def stopped_generation(
        self, chat_id: int, draft_id: int, thread_id: int | None = None
    ) -> dict[str, Any]:
        """A user presses the stop button of a draft."""
        stopped: dict[str, Any] = {"chat": self.chat(chat_id), "draft_id": draft_id}
        if thread_id is not None:
            stopped["message_thread_id"] = thread_id
        return self.push_update({"stopped_message_generation": stopped})
