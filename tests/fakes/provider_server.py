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
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

from aiohttp import web
from multidict import CIMultiDict

PROVIDERS: Final = ("vitalentum", "ai365vip", "codelinkava", "flowgpt", "openai")
CHAT_PATHS: Final = {
    "vitalentum": "/api/converse-edge",
    "ai365vip": "/api/chat",
    "codelinkava": "/api/chat",
    "flowgpt": "/v3/chat-anonymous",
    "openai": "/chat/completions",
}
_CONTENT_TYPES: Final = {
    "vitalentum": "text/event-stream",
    "codelinkava": "text/event-stream",
    "openai": "text/event-stream",
    "flowgpt": "application/x-ndjson",
    "ai365vip": "text/plain; charset=utf-8",
}

Chunker: TypeAlias = Callable[[bytes], list[bytes]]


def whole(body: bytes) -> list[bytes]:
    """The body in one write."""
    return [body] if body else []


def every(size: int) -> Chunker:
    """Writes of ``size`` bytes each."""
    return lambda body: [body[i:i + size] for i in range(0, len(body), size)]


bytewise: Final = every(1)


def split_at(*offsets: int) -> Chunker:
    """Writes cut at these byte offsets."""
    def split(body: bytes) -> list[bytes]:
        bounds = [0, *sorted({o for o in offsets if 0 < o < len(body)}), len(body)]
        return [body[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    return split


def awkward(body: bytes) -> list[bytes]:
    """Cuts inside every multi-byte UTF-8 character, between every CR and LF, every 7 bytes."""
    def cut(i: int) -> bool:
        after_lead_byte = body[i - 1] >= 0xC0 and 0x80 <= body[i] < 0xC0
        return after_lead_byte or body[i - 1:i + 1] == b"\r\n" or i % 7 == 0
    return split_at(*(i for i in range(1, len(body)) if cut(i)))(body)


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """How a 200 body is written: pauses and a dropped connection, counted in chunks."""

    hold_after: int | None = None  # chunks written before waiting for ``release``
    release: asyncio.Event | None = None  # None: hold until the server closes
    cut_after: int | None = None  # chunks written before the server drops the connection
    # Step-by-step pacing: before writing chunk ``i``, wait for ``gates[i]``.
    gates: Mapping[int, asyncio.Event] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer(Delivery):
    """A successful answer, framed in the provider's protocol and written in chunks."""

    text: str | Callable[[Any], str]  # or built from the request's parsed JSON body
    piece_size: int = 3  # characters of text per protocol frame
    chunks: Chunker = awkward
    newline: str = "\n"  # "\r\n" for CRLF framing
    final_newline: bool = True
    sse_space: bool = True  # "data: {...}" or "data:{...}"
    sse_separators: bool = True  # a blank line after every SSE event
    end_marker: bool = True  # "data: [DONE]" (SSE protocols only)


@dataclass(frozen=True)
class Raw(Delivery):
    """Exactly these body chunks, unframed: malformed lines, an empty body, odd frames."""

    chunks: Sequence[bytes] = ()
    status: int = 200
    content_type: str = "text/event-stream"


@dataclass(frozen=True)
class Failure:
    """An HTTP error answer (status, body, extra headers such as ``Retry-After``)."""

    status: int
    body: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "text/plain"


@dataclass(frozen=True)
class Hang:
    """Send nothing, not even a status line, until ``release`` is set; then drop the connection."""

    release: asyncio.Event | None = None


Reply: TypeAlias = str | Callable[[Any], str] | Answer | Raw | Failure | Hang


@dataclass
class RecordedRequest:
    """One request as the server saw it, and what became of its answer."""

    provider: str | None  # None: a path no protocol uses
    method: str
    path: str
    url: str  # absolute; through an HTTP proxy, the host the client asked for
    headers: CIMultiDict[str]
    body: bytes
    json: Any  # the parsed body, None when it is not JSON
    outcome: str = "pending"  # "completed", "disconnected" (by the client) or "cut" (by us)
    chunks_sent: int = 0  # body chunks written so far
    holding: asyncio.Event = field(default_factory=asyncio.Event)  # waiting at a hold or gate
    finished: asyncio.Event = field(default_factory=asyncio.Event)


def last_user_text(body: Any) -> str:
    """The last user message of a chat request body, whichever protocol it uses.

    For AI365VIP's flattened prompt this is the last ``User:`` line (its first line only).
    """
    if not isinstance(body, dict):
        return ""
    if "question" in body:  # FlowGpt
        return str(body["question"])
    if "conversation" in body:  # Vitalentum: the history is a JSON string
        turns = json.loads(body["conversation"])["history"]
        return next((t["text"] for t in reversed(turns) if t["speaker"] == "human"), "")
    messages = body.get("messages") or []
    if isinstance(body.get("model"), dict) and messages:  # AI365VIP
        prompt = str(messages[0]["content"])
        if not prompt.endswith("\nAssistant:"):
            return prompt
        users = [line[6:] for line in prompt.splitlines() if line.startswith("User: ")]
        return users[-1] if users else ""
    return next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")


def frame(provider: str, text: str, answer: Answer) -> bytes:
    """The body that carries ``text`` in ``provider``'s protocol."""
    size = max(1, answer.piece_size)
    pieces = [text[i:i + size] for i in range(0, len(text), size)]
    nl = answer.newline
    if provider == "ai365vip":
        return text.encode()
    if provider == "flowgpt":
        events = [{"event": "start"}, *({"event": "text", "data": p} for p in pieces),
                  {"event": "done"}]
        lines = [json.dumps(e, ensure_ascii=False) for e in events]
        return (nl.join(lines) + (nl if answer.final_newline else "")).encode()
    chunks: list[Any] = [{"choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
    chunks += [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
    chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    prefix = "data: " if answer.sse_space else "data:"
    data = [prefix + json.dumps(c, ensure_ascii=False) for c in chunks]
    if answer.end_marker:
        data.append(prefix + "[DONE]")
    separator = nl + nl if answer.sse_separators else nl
    return (separator.join(data) + (separator if answer.final_newline else "")).encode()


class FakeProviderServer:
    """The fake server; use it as an async context manager (see the module docstring)."""

    def __init__(self, *, root_api_chat: str = "codelinkava") -> None:
        self.requests: list[RecordedRequest] = []
        self.base_url = ""
        self.models: Sequence[str] | Failure | Raw = ("fake-model-a", "fake-model-b")
        self._root_api_chat = root_api_chat
        self._scripts: dict[str, list[Reply]] = {}
        self._closing = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeProviderServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # Handlers are cancelled when their client goes away: that is how a test sees it.
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None,
                                     shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing.set()  # every hold ends now, so shutdown never waits on one
        if self._runner is not None:
            await self._runner.cleanup()

    def url_for(self, provider: str) -> str:
        """The base URL to configure for ``provider`` (its own prefix on this server)."""
        return f"{self.base_url}/{provider}"

    def env(self, *providers: str) -> dict[str, str]:
        """``{NAME}_BASE_URL`` variables pointing the given providers (default: all) here."""
        return {f"{p.upper()}_BASE_URL": self.url_for(p) for p in providers or PROVIDERS}

    def script(self, provider: str, *replies: Reply) -> None:
        """Replace ``provider``'s replies: served in order, the last one repeating."""
        if provider not in PROVIDERS or not replies:
            raise ValueError(f"script needs a known provider and replies, got {provider!r}")
        self._scripts[provider] = list(replies)

    def requests_for(self, provider: str) -> list[RecordedRequest]:
        """The requests one provider received, in order."""
        return [r for r in self.requests if r.provider == provider]

    async def wait_for_requests(self, count: int) -> list[RecordedRequest]:
        """Wait until at least ``count`` requests have arrived."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests) >= count)
        return self.requests

    def _route(self, path: str) -> tuple[str, str] | None:
        head, _, rest = path.lstrip("/").partition("/")
        if head in PROVIDERS:
            owners, path = [head], "/" + rest
        else:
            owners = [self._root_api_chat] if path == "/api/chat" else list(PROVIDERS)
        for provider in owners:
            if path == CHAT_PATHS[provider]:
                return provider, "chat"
            if provider == "openai" and path == "/models":
                return provider, "models"
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        route = self._route(request.path)
        raw = await request.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        record = RecordedRequest(route[0] if route else None, request.method, request.path,
                                 str(request.url), CIMultiDict(request.headers), raw, parsed)
        async with self._arrived:
            self.requests.append(record)
            self._arrived.notify_all()
        try:
            response = await self._respond(request, record, route[0] if route else "",
                                           self._next_reply(request.path, route))
        except asyncio.CancelledError:  # the client went away while we waited
            record.outcome = "disconnected"
            raise
        except ConnectionError:  # the client went away while we wrote
            record.outcome = "disconnected"
            response = web.Response(status=499)  # nobody is left to read it
        else:
            record.outcome = "cut" if record.outcome == "cut" else "completed"
        finally:
            record.finished.set()
        return response

    def _next_reply(self, path: str, route: tuple[str, str] | None) -> Reply:
        if route is None:
            return Failure(404, f"fake provider server: no route for {path}")
        provider, kind = route
        if kind == "models":
            return self._models_reply()
        scripted = self._scripts.get(provider)
        if not scripted:
            return Failure(501, f"fake provider server: nothing scripted for {provider}")
        return scripted.pop(0) if len(scripted) > 1 else scripted[0]

    def _models_reply(self) -> Reply:
        if isinstance(self.models, Failure | Raw):
            return self.models
        listing = {"object": "list", "data": [{"id": m, "object": "model"} for m in self.models]}
        return Raw([json.dumps(listing).encode()], content_type="application/json")

    async def _respond(self, request: web.Request, record: RecordedRequest, provider: str,
                       reply: Reply) -> web.StreamResponse:
        if isinstance(reply, Failure):
            return web.Response(status=reply.status, text=reply.body, headers=reply.headers,
                                content_type=reply.content_type)
        if isinstance(reply, Hang):
            await self._hold(record, reply.release)
            return self._cut(request, record, web.Response(status=499))
        delivery: Delivery
        if isinstance(reply, Raw):
            delivery, chunks, content_type = reply, list(reply.chunks), reply.content_type
        else:
            answer = reply if isinstance(reply, Answer) else Answer(reply)
            text = answer.text(record.json) if callable(answer.text) else answer.text
            delivery, content_type = answer, _CONTENT_TYPES[provider]
            chunks = answer.chunks(frame(provider, text, answer))
        response = web.StreamResponse(status=reply.status if isinstance(reply, Raw) else 200)
        response.headers["Content-Type"] = content_type
        await response.prepare(request)
        holds: dict[int, asyncio.Event | None] = dict(delivery.gates)
        if delivery.hold_after is not None:
            holds[delivery.hold_after] = delivery.release
        for index in range(len(chunks) + 1):
            stop = index in holds and not await self._hold(record, holds[index])
            if stop or index == delivery.cut_after:
                return self._cut(request, record, response)
            if index < len(chunks):
                await response.write(chunks[index])
                record.chunks_sent += 1
                await asyncio.sleep(0)  # a yield, so the client can read this chunk alone
        await response.write_eof()
        return response

    async def _hold(self, record: RecordedRequest, release: asyncio.Event | None) -> bool:
        """Wait for ``release`` (or the server closing); True when released."""
        if release is not None and release.is_set():
            return True
        record.holding.set()
        waiters = [asyncio.ensure_future(self._closing.wait())]
        if release is not None:
            waiters.append(asyncio.ensure_future(release.wait()))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        record.holding.clear()
        return release is not None and release.is_set()

    @staticmethod
    def _cut(request: web.Request, record: RecordedRequest,
             response: web.StreamResponse) -> web.StreamResponse:
        """Drop the connection mid-answer; aiohttp then fails quietly to finish ``response``."""
        record.outcome = "cut"
        if request.transport is not None:
            request.transport.close()
        return response
