"""Scripted trouble and set-up: blocked chats, failures, slow answers, members, names."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.fakes.telegram.errors import RawAnswer, ScriptedFailure, TelegramError
from tests.fakes.telegram.state import TelegramState


class Scripting(TelegramState):
    """What a test arranges before or while the bot talks to the fake."""

    def block(
        self, chat_id: int, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        """Every call to this chat answers 403 from now on."""
        self._blocked[chat_id] = description

    def delete_message(self, chat_id: int, message_id: int) -> None:
        """The user deletes a message."""
        self._messages[chat_id][message_id].deleted = True

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        description: str = "Internal Server Error",
        times: int = 1,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        match: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (matching ``match``) with an error.

        ``retry_after``/``migrate_to_chat_id`` go into the answer's ``parameters``.
        """
        error = TelegramError(status, description, retry_after, migrate_to_chat_id)
        self._failures.append(ScriptedFailure(method.lower(), error, times, match))

    def answer_raw(
        self,
        method: str,
        body: str | bytes | Callable[[str], str],
        *,
        status: int = 200,
        content_type: str = "text/html",
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``body``, not the Bot API's JSON.

        What a proxy, an emulator or a half-broken server sends: an HTML page,
        garbage (bytes that are not even text), or JSON that does not validate.
        ``body`` may be a function of the request's path (a page that quotes the
        URL asked for).
        """
        self._raw_answers.append(RawAnswer(method.lower(), status, body, content_type, times))

    def forget_method(self, method: str) -> None:
        """From now on ``method`` is unknown: 404 "Not Found", as for a method Telegram lacks."""
        self._unknown_methods.add(method.lower())

    def pause(self, method: str) -> asyncio.Event:
        """Hold every answer to ``method`` until the returned event is set (a slow Telegram).

        With a :class:`~tests.fakes.telegram.FakeClock` on autojump, virtual time
        stands still meanwhile.
        """
        gate = self._gates[method.lower()] = asyncio.Event()
        return gate

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """getChatMember status: creator, administrator, member (default), left or kicked."""
        self._members[(chat_id, user_id)] = status

    def set_chat(self, chat_id: int, **fields: Any) -> None:
        """Override chat fields (``type``, ``title``, ``is_forum``…)."""
        self._chats[chat_id] = {**self.chat(chat_id), **fields}

    def set_user(self, user_id: int, **fields: Any) -> None:
        """Override user fields (``first_name``, ``username``, ``language_code``…)."""
        self._users[user_id] = {**self.user(user_id), **fields}
