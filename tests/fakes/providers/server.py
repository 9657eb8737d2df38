"""The fake provider server: routes each request to a protocol, records it, writes its reply."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from aiohttp import web
from multidict import CIMultiDict

from tests.fakes.local_server import serve_locally
from tests.fakes.providers.forms import parse_form
from tests.fakes.providers.protocols import ENDPOINT_NAME, PROVIDERS, content_type, frame, route_of
from tests.fakes.providers.replies import (
    Answer,
    Delivery,
    Failure,
    Hang,
    Raw,
    RecordedRequest,
    RejectsStreamOptions,
    Reply,
    TranscriptionReply,
)

ModelsReply = Sequence[str] | Failure | Raw
T = TypeVar("T")


def next_of(scripted: list[T] | None) -> T | None:
    """The next scripted reply (the last one repeats); None when nothing is scripted."""
    if not scripted:
        return None
    return scripted.pop(0) if len(scripted) > 1 else scripted[0]


class FakeProviderServer:
    """The fake server; use it as an async context manager (see :mod:`tests.fakes.providers`)."""

    def __init__(self, *, root_api_chat: str = "codelinkava") -> None:
        self.requests: list[RecordedRequest] = []
        self.base_url = ""
        self.models: ModelsReply = ("fake-model-a", "fake-model-b")  # every endpoint's default
        self._root_api_chat = root_api_chat
        self._scripts: dict[str, list[Reply]] = {}
        self._models: dict[str, ModelsReply] = {}
        self._transcriptions: dict[str, list[TranscriptionReply]] = {}
        self._closing = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        # Names the conversation of a request (from its JSON body; None: none); two requests
        # of one conversation in flight at once are recorded in ``overlaps``.
        self.conversation_of: Callable[[Any], str | None] | None = None
        self.overlaps: list[tuple[RecordedRequest, RecordedRequest]] = []
        self._open: dict[str, list[RecordedRequest]] = {}

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
        """The base URL to configure for ``provider`` or endpoint (its own prefix here)."""
        return f"{self.base_url}/{provider}"

    def env(self, *providers: str) -> dict[str, str]:
        """``{NAME}_BASE_URL`` variables pointing the given providers (default: the five) here."""
        return {f"{p.upper()}_BASE_URL": self.url_for(p) for p in providers or PROVIDERS}

    def script(self, provider: str, *replies: Reply) -> None:
        """Replace ``provider``'s replies: served in order, the last one repeating."""
        self._scripts[self._checked(provider, replies)] = list(replies)

    def script_models(self, endpoint: str, models: ModelsReply) -> None:
        """What ``GET {endpoint}/models`` answers (default: :attr:`models`)."""
        self._models[self._checked(endpoint, (models,))] = models

    def script_transcription(self, endpoint: str, *replies: TranscriptionReply) -> None:
        """``POST {endpoint}/audio/transcriptions`` replies, in order, the last repeating."""
        self._transcriptions[self._checked(endpoint, replies)] = list(replies)

    def requests_for(self, provider: str, kind: str | None = None) -> list[RecordedRequest]:
        """The requests one provider received, in order (all, or one ``kind`` of them)."""
        return [r for r in self.requests
                if r.provider == provider and (kind is None or r.kind == kind)]

    async def wait_for_requests(self, count: int) -> list[RecordedRequest]:
        """Wait until at least ``count`` requests have arrived."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests) >= count)
        return self.requests

    @staticmethod
    def _checked(name: str, replies: Sequence[object]) -> str:
        if not (name in PROVIDERS or ENDPOINT_NAME.fullmatch(name)) or not replies:
            raise ValueError(f"script needs a provider or endpoint name and replies, "
                             f"got {name!r}")
        return name

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        route = route_of(request.path, self._root_api_chat)
        raw = await request.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        form = (parse_form(request.headers["Content-Type"], raw)
                if request.content_type == "multipart/form-data" else None)
        record = RecordedRequest(route[0] if route else None, request.method, request.path,
                                 str(request.url), CIMultiDict(request.headers), raw, parsed,
                                 form, route[1] if route else "chat")
        async with self._arrived:
            self.requests.append(record)
            self._arrived.notify_all()
        conversation = self._opened(record)
        try:
            response = await self._respond(request, record, route[0] if route else "",
                                           self._next_reply(request.path, route, parsed))
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
            if conversation is not None:
                self._open[conversation].remove(record)
        return response

    def _opened(self, record: RecordedRequest) -> str | None:
        """Note a chat request in flight in its conversation; record any overlap."""
        if self.conversation_of is None or record.kind != "chat":
            return None
        conversation = self.conversation_of(record.json)
        if conversation is None:
            return None
        in_flight = self._open.setdefault(conversation, [])
        self.overlaps.extend((earlier, record) for earlier in in_flight)
        in_flight.append(record)
        return conversation

    def _next_reply(self, path: str, route: tuple[str, str] | None, body: object) -> Reply:
        if route is None:
            return Failure(404, f"fake provider server: no route for {path}")
        provider, kind = route
        if kind == "models":
            return self._models_reply(provider)
        if kind == "transcription":
            return self._transcription_reply(provider)
        reply = next_of(self._scripts.get(provider))
        if reply is None:
            return Failure(501, f"fake provider server: nothing scripted for {provider}")
        carried = isinstance(body, dict) and "stream_options" in body
        while isinstance(reply, RejectsStreamOptions):
            if carried:
                return reply.rejection
            reply = reply.then
        return reply

    def _models_reply(self, provider: str) -> Reply:
        models = self._models.get(provider, self.models)
        if isinstance(models, Failure | Raw):
            return models
        listing = {"object": "list", "data": [{"id": m, "object": "model"} for m in models]}
        return Raw([json.dumps(listing).encode()], content_type="application/json")

    def _transcription_reply(self, provider: str) -> Reply:
        reply = next_of(self._transcriptions.get(provider))
        if reply is None:
            return Failure(501, f"fake provider server: no transcription scripted for {provider}")
        if isinstance(reply, str):
            return Raw([json.dumps({"text": reply}).encode()], content_type="application/json")
        return reply

    async def _respond(self, request: web.Request, record: RecordedRequest, provider: str,
                       reply: Reply) -> web.StreamResponse:
        while isinstance(reply, RejectsStreamOptions):
            reply = reply.then  # only a chat request can carry stream_options
        if isinstance(reply, Failure):
            return web.Response(status=reply.status, text=reply.body, headers=reply.headers,
                                content_type=reply.content_type)
        if isinstance(reply, Hang):
            await self._hold(record, reply.release)
            return self._cut(request, record, web.Response(status=499))
        delivery: Delivery
        if isinstance(reply, Raw):
            delivery, chunks, media_type = reply, list(reply.chunks), reply.content_type
        else:
            answer = reply if isinstance(reply, Answer) else Answer(reply)
            text = answer.text(record.json) if callable(answer.text) else answer.text
            delivery, media_type = answer, content_type(provider, answer)
            chunks = answer.chunks(frame(provider, text, answer))
        response = web.StreamResponse(status=reply.status if isinstance(reply, Raw) else 200)
        response.headers["Content-Type"] = media_type
        await response.prepare(request)
        holds: dict[int, asyncio.Event | None] = dict(delivery.gates)
        if delivery.hold_after is not None:
            holds[delivery.hold_after] = delivery.release
        for index in range(len(chunks) + 1):
            stop = index in holds and not await self._hold(record, holds[index],
                                                           response, delivery)
            if stop or index == delivery.cut_after:
                return self._cut(request, record, response)
            if index < len(chunks):
                await response.write(chunks[index])
                record.chunks_sent += 1
                # At least a yield, so the client can read this chunk alone.
                await asyncio.sleep(delivery.pace)
        await response.write_eof()
        return response

    async def _hold(self, record: RecordedRequest, release: asyncio.Event | None,
                    response: web.StreamResponse | None = None,
                    delivery: Delivery | None = None) -> bool:
        """Wait for ``release`` (or the server closing), writing keep-alives if asked to.

        True when released.
        """
        if release is not None and release.is_set():
            return True
        record.holding.set()
        waiters = [asyncio.ensure_future(self._closing.wait())]
        if release is not None:
            waiters.append(asyncio.ensure_future(release.wait()))
        keepalive = delivery.keepalive if delivery is not None and response is not None else b""
        try:
            while True:
                done, _ = await asyncio.wait(
                    waiters, return_when=asyncio.FIRST_COMPLETED,
                    timeout=delivery.keepalive_every if keepalive and delivery else None)
                if done or response is None:
                    break
                await response.write(keepalive)
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
