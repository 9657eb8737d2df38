"""A local stand-in for the five provider protocols, for provider and end-to-end tests.

One ``aiohttp.web`` server on 127.0.0.1 (random port) answers every protocol at
its real path, both at the root and under a per-provider prefix
(``/{provider}/...``), so that one server can stand in for all providers at
once. ``/api/chat`` is both AI365VIP's and CodeLinkAva's path: at the root it
belongs to ``root_api_chat``; use the prefixed URLs (``url_for``/``env``) to
reach both::

    async with FakeProviderServer() as server:
        server.script("flowgpt", "Hello!")                       # the answer text
        server.script("vitalentum", Answer("Привет", chunks=bytewise, newline="\\r\\n"))
        server.script("openai", Failure(429, headers={"Retry-After": "3"}), "ok")
        server.script("ai365vip", lambda body: "echo: " + last_user_text(body))
        os.environ.update(server.env())     # {"FLOWGPT_BASE_URL": server.url_for("flowgpt"), ...}
        ...
        server.requests                     # every RecordedRequest, in arrival order

A provider's replies are served in order and the last one repeats. Chunking,
line endings and pauses belong to a reply, so a test asks for exactly the
awkward delivery it needs; pauses wait on ``asyncio.Event`` objects, never on
sleeps. Answers are framed per protocol: SSE chat-completion chunks (with a
role-only first chunk, a finish chunk and ``data: [DONE]``), FlowGpt NDJSON
events (with non-text ``start``/``done`` events), or AI365VIP's plain text.

Modules: ``chunkers`` (how a body is cut into writes), ``replies`` (what a
test scripts, what the server records), ``protocols`` (paths and framing) and
``server``.
"""

from tests.fakes.providers.chunkers import Chunker, awkward, bytewise, every, split_at, whole
from tests.fakes.providers.protocols import CHAT_PATHS, PROVIDERS, frame, last_user_text
from tests.fakes.providers.replies import (
    Answer,
    Delivery,
    Failure,
    Hang,
    Raw,
    RecordedRequest,
    Reply,
)
from tests.fakes.providers.server import FakeProviderServer

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
