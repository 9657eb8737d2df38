"""Reading a Bot API request's parameters, however aiogram encoded them."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "reply_parameters",
        "link_preview_options",
        "commands",
        "allowed_updates",
        "scope",
        "caption_entities",
    }
)
_INT_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "message_thread_id",
        "draft_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "reply_to_message_id",
        "from_chat_id",
    }
)
_BOOL_WORDS = {"true": True, "false": False}


async def read_params(request: web.Request) -> dict[str, Any]:
    """Query, JSON, form-encoded or multipart parameters, decoded to JSON-like values."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        raw.update(await request.json())
    elif request.can_read_body:
        raw.update((await request.post()).items())
    return {name: decode(name, value) for name, value in raw.items()}


def decode(name: str, value: Any) -> Any:
    """One form value as Telegram reads it: JSON objects, integers, booleans or text."""
    if not isinstance(value, str):
        return value
    if name in _JSON_PARAMS:
        return json.loads(value)
    if name in _INT_PARAMS:
        try:
            return int(value)
        except ValueError:
            return value  # "@channelname"
    return _BOOL_WORDS.get(value, value) if name not in ("text", "caption") else value
