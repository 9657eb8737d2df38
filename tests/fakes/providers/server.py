"""The fake provider server: routes each request to a protocol, records it, writes its reply."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

from aiohttp import web
from multidict import CIMultiDict

from tests.fakes.local_server import serve_locally
from tests.fakes.providers.protocols import CHAT_PATHS, CONTENT_TYPES, PROVIDERS, frame
from tests.fakes.providers.replies import (
    Answer,
    Delivery,
    Failure,
    Hang,
    Raw,
    RecordedRequest,
    Reply,
)


class FakeProviderServer:
    """The fake server; use it as an async context manager (see :mod:`tests.fakes.providers`)."""

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
        """Start serving on 127.0.0.1 (random port)."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # Handlers are cancelled when their client goes away: that is how a test sees it.
        self._runner, self.base_url = await serve_locally(
            app, handler_cancellation=True, shutdown_timeout=1.0
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop serving; every hold ends at once."""
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
            delivery, content_type = answer, CONTENT_TYPES[provider]
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
