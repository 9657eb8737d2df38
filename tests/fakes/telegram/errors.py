"""Error answers of the fake Bot API, and the scripted failures a test asks for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}  # an unknown method
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


class TelegramError(Exception):
    """An error answer: HTTP status, Telegram's description, optional retry_after."""

    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status, self.description = status, description
        self.retry_after, self.migrate_to_chat_id = retry_after, migrate_to_chat_id

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram answers with (``parameters`` only when there are some)."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        if self.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": self.migrate_to_chat_id}
        return body


@dataclass
class ScriptedFailure:
    """An error to answer the next ``times`` calls of ``method`` (those ``match`` accepts)."""

    method: str  # lower case
    error: TelegramError
    times: int
    match: Callable[[dict[str, Any]], bool] | None

    def take(self, method: str, params: dict[str, Any]) -> bool:
        """True when this failure answers the call (one fewer is then left)."""
        if (
            self.method == method
            and self.times > 0
            and (self.match is None or self.match(params))
        ):
            self.times -= 1
            return True
        return False


@dataclass
class RawAnswer:
    """A body that is not the Bot API's answer (a proxy's page, an emulator's garbage).

    ``body`` is the text or bytes, or builds the text from the request's path (a
    page quoting the URL).
    """

    method: str  # lower case
    status: int
    body: str | bytes | Callable[[str], str]
    content_type: str
    times: int

    def take(self, method: str) -> bool:
        """True when this answer is due for the call (one fewer is then left)."""
        if self.method == method and self.times > 0:
            self.times -= 1
            return True
        return False

    def response(self, request: web.Request) -> web.Response:
        """The HTTP response, as the server sends it."""
        body = self.body(request.path) if callable(self.body) else self.body
        if isinstance(body, bytes):
            return web.Response(status=self.status, body=body, content_type=self.content_type)
        return web.Response(status=self.status, text=body, content_type=self.content_type)
