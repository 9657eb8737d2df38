"""The fake provider server under its original import path (it lives in ``tests.fakes.providers``).

Tests import from here (``from tests.fakes.provider_server import Answer``); the
package's docstring describes the fake.
"""

from tests.fakes.providers import (
    CHAT_PATHS,
    PROVIDERS,
    Answer,
    Chunker,
    Delivery,
    Failure,
    FakeProviderServer,
    Hang,
    Raw,
    RecordedRequest,
    Reply,
    awkward,
    bytewise,
    every,
    frame,
    last_user_text,
    split_at,
    whole,
)

__all__ = [
    "CHAT_PATHS",
    "PROVIDERS",
    "Answer",
    "Chunker",
    "Delivery",
    "Failure",
    "FakeProviderServer",
    "Hang",
    "Raw",
    "RecordedRequest",
    "Reply",
    "awkward",
    "bytewise",
    "every",
    "frame",
    "last_user_text",
    "split_at",
    "whole",
]
