"""One Telegram call and what its failure means for a streamed answer.

aiogram raises one exception class per HTTP status; the streaming writer needs
to know something else: was it flood control, is the chat gone, was only this
message deleted, were the entities refused, is it worth retrying.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Generic, TypeVar

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


class Outcome(enum.Enum):
    """How a call ended, in the writer's terms."""

    OK = "ok"
    NOT_MODIFIED = "not modified"  # the message already shows this: a success
    FLOOD = "flood"  # 429: wait retry_after
    GONE = "gone"  # the chat cannot receive anything (blocked, kicked, no rights)
    MISSING = "missing"  # this message was deleted or cannot be edited
    BAD_ENTITIES = "bad entities"  # formatting refused: send plain text
    TRANSIENT = "transient"  # network trouble or a server error: retry later
    MIGRATED = "migrated"  # group became a supergroup: new chat id
    REJECTED = "rejected"  # any other 400, or a 404 for a method the server lacks


@dataclass(frozen=True, slots=True)
class Result(Generic[T]):
    """The outcome of a call, with its value or the error's details."""

    outcome: Outcome
    value: T | None = None
    retry_after: float = 0.0
    new_chat_id: int | None = None
    description: str = ""


_GONE_HINTS = (
    "chat not found",
    "not enough rights",
    "have no rights",
    "topic_closed",
    "thread not found",
    "topic_deleted",
    "chat_write_forbidden",
    "user is deactivated",
)
_MISSING_HINTS = (
    "message to edit not found",
    "message can't be edited",
    "message_id_invalid",
    "message to be edited not found",
)
_ENTITY_HINTS = ("can't parse entities", "entity", "entities")


def _bad_request(description: str) -> Outcome:
    lowered = description.lower()
    if "message is not modified" in lowered:
        return Outcome.NOT_MODIFIED
    if any(hint in lowered for hint in _MISSING_HINTS):
        return Outcome.MISSING
    if any(hint in lowered for hint in _GONE_HINTS):
        return Outcome.GONE
    if any(hint in lowered for hint in _ENTITY_HINTS):
        return Outcome.BAD_ENTITIES
    return Outcome.REJECTED


def classify(error: TelegramAPIError | ClientDecodeError) -> Result[None]:
    """Translate an aiogram exception into a :class:`Result`."""
    if isinstance(error, TelegramRetryAfter):
        return Result(
            Outcome.FLOOD, retry_after=float(error.retry_after), description=error.message
        )
    if isinstance(error, TelegramMigrateToChat):
        return Result(Outcome.MIGRATED, new_chat_id=error.migrate_to_chat_id)
    if isinstance(error, ClientDecodeError):
        return Result(Outcome.TRANSIENT, description=error.message)
    description = error.message
    if isinstance(error, TelegramNetworkError | TelegramServerError):
        return Result(Outcome.TRANSIENT, description=description)
    if isinstance(error, TelegramForbiddenError | TelegramUnauthorizedError):
        return Result(Outcome.GONE, description=description)
    if isinstance(error, TelegramNotFound):  # the server lacks this method (Telegram: no chat 404s)
        return Result(Outcome.REJECTED, description=description)
    if isinstance(error, TelegramBadRequest):
        return Result(_bad_request(description), description=description)
    return Result(Outcome.REJECTED, description=description)


async def attempt(call: Awaitable[T]) -> Result[T]:
    """Await one Telegram call; never raises a Telegram error, returns its meaning instead."""
    try:
        value = await call
    except (TelegramAPIError, ClientDecodeError) as error:
        result = classify(error)
        log.debug("telegram call failed: %s (%s)", result.outcome.value, result.description)
        return Result(
            result.outcome,
            retry_after=result.retry_after,
            new_chat_id=result.new_chat_id,
            description=result.description,
        )
    return Result(Outcome.OK, value)
