"""What users do: updates queued for the bot's getUpdates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.fakes.telegram.state import TelegramState
from tests.fakes.telegram.validation import utf16_units


class UserActions(TelegramState):
    """Builders of the updates a user's actions produce, and the queue they go to."""

    def push_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue a raw update for getUpdates (``update_id`` added when missing).

        Added ids follow the highest id queued so far, explicit ones included: the
        bot confirms by offset, so a lower id would never be delivered.
        """
        queued = dict(update)
        queued.setdefault("update_id", self._last_update_id + 1)
        self._last_update_id = max(self._last_update_id, int(queued["update_id"]))
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
        quote: dict[str, Any] | None = None,
        external_reply: dict[str, Any] | None = None,
        forward_origin: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user writes to the bot in a private chat (commands get their entity).

        ``quote`` (``{"text", "position"}``) is the part of the replied (or
        external) message the user quoted; ``external_reply`` and
        ``forward_origin`` come from :meth:`external_reply` and the ``origin_*``
        builders.
        """
        context = self._context(user_id, reply_to_message_id, quote, external_reply, forward_origin)
        message = self._store(
            user_id,
            text,
            entities,
            from_bot=False,
            user_id=user_id,
            reply_to=reply_to_message_id,
            context=context,
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
        quote: dict[str, Any] | None = None,
        external_reply: dict[str, Any] | None = None,
        forward_origin: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user writes in a group; ``mention`` prefixes ``@botname`` with a mention entity."""
        if mention:
            text, entities = self.mentioned(text, entities)
        context = self._context(chat_id, reply_to_message_id, quote, external_reply, forward_origin)
        message = self._store(
            chat_id,
            text,
            entities,
            from_bot=False,
            user_id=user_id,
            thread_id=thread_id,
            reply_to=reply_to_message_id,
            context=context,
        )
        return self.push_update({"message": self.message_json(message)})

    def mentioned(
        self, text: str, entities: list[dict[str, Any]] | None
    ) -> tuple[str, list[dict[str, Any]]]:
        """``text`` prefixed with ``@botname`` and its mention entity (others shifted)."""
        handle = f"@{self.bot_user['username']}"
        shift = utf16_units(handle) + 1
        shifted = [
            {"type": "mention", "offset": 0, "length": shift - 1},
            *({**e, "offset": e["offset"] + shift} for e in entities or []),
        ]
        return f"{handle} {text}", shifted

    def _context(
        self,
        chat_id: int,
        reply_to: int | None,
        quote: dict[str, Any] | None,
        external_reply: dict[str, Any] | None,
        forward_origin: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """The reply context fields of a new message, checked like Telegram checks them."""
        context: dict[str, Any] = {}
        if quote is not None:
            replied = self._find(chat_id, reply_to)
            if replied is None and external_reply is None:
                raise ValueError("a quote needs a replied or external message")
            if replied is not None and not _quotes(replied.text, quote):
                raise ValueError(f"{quote!r} is not part of {replied.text!r}")
            context["quote"] = {"is_manual": True, **quote}
        if external_reply is not None:
            context["external_reply"] = external_reply
        if forward_origin is not None:
            context["forward_origin"] = forward_origin
        return context

    def callback_query(
        self, chat_id: int, user_id: int, message_id: int, data: str
    ) -> dict[str, Any]:
        """A user presses an inline button under one of the bot's messages (answer it once)."""
        query = {
            "id": str(next(self._callback_ids)),
            "from": self.user(user_id),
            "chat_instance": str(chat_id),
            "data": data,
            "message": self.message_json(self.message(chat_id, message_id)),
        }
        self._queries[query["id"]] = False
        return self.push_update({"callback_query": query})

    def stopped_generation(
        self, chat_id: int, draft_id: int, thread_id: int | None = None
    ) -> dict[str, Any]:
        """A user presses the stop button of a draft."""
        stopped: dict[str, Any] = {"chat": self.chat(chat_id), "draft_id": draft_id}
        if thread_id is not None:
            stopped["message_thread_id"] = thread_id
        return self.push_update({"stopped_message_generation": stopped})


def _quotes(text: str, quote: dict[str, Any]) -> bool:
    """Whether ``quote`` is the part of ``text`` at its ``position`` (in UTF-16 units)."""
    encoded = text.encode("utf-16-le")
    start = 2 * int(quote["position"])
    return encoded[start : start + 2 * utf16_units(quote["text"])].decode(
        "utf-16-le", errors="replace"
    ) == quote["text"]
