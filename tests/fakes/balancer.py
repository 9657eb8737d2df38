"""A small round-robin load balancer in front of webhook workers, for tests and benchmarks.

Each request goes to the next upstream in turn; a worker that refuses the
connection (it stopped, or was killed) is skipped for the next one, as a
real balancer retries elsewhere. Answers (503 from a stopping worker
included) go back unchanged, so Telegram's redelivery does the rest. Every
forwarded request is recorded with the upstream that answered it::

    async with Balancer() as balancer:
        balancer.add("http://127.0.0.1:8081")
        ...                             # WEBHOOK_URL = balancer.url + "/telegram/webhook"
        balancer.routes                 # [Route(update_id, upstream, status), ...]
        release = balancer.hold(7)      # the next request carrying update 7 waits here
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from tests.fakes.local_server import serve_locally

_FORWARDED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


@dataclass(frozen=True)
class Route:
    """One request: the update it carried (if any), where it went, what came back."""

    update_id: int | None
    upstream: str
    status: int


class Balancer:
    """The balancer (an async context manager); see the module docstring."""

    def __init__(self) -> None:
        self.url = ""
        self.upstreams: list[str] = []
        self.routes: list[Route] = []
        self._turn = 0
        self._holds: dict[int, asyncio.Event] = {}  # update_id → release, for the next request
        self._held: list[asyncio.Event] = []
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Balancer:
        """Start serving on 127.0.0.1 (random port)."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._http = aiohttp.ClientSession()
        self._runner, self.url = await serve_locally(app, shutdown_timeout=0.5)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop serving; held requests are let go first."""
        for release in [*self._holds.values(), *self._held]:
            release.set()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    def add(self, upstream: str) -> None:
        """Send requests to ``upstream`` (a base URL) too."""
        self.upstreams.append(upstream)

    def remove(self, upstream: str) -> None:
        """Send nothing more to ``upstream``."""
        self.upstreams.remove(upstream)

    def hold(self, update_id: int) -> asyncio.Event:
        """Keep the next request carrying ``update_id`` (its upstream chosen) until set."""
        return self._holds.setdefault(update_id, asyncio.Event())

    def upstream_of(self, update_id: int) -> list[str]:
        """Where requests carrying ``update_id`` went, in order."""
        return [route.upstream for route in self.routes if route.update_id == update_id]

    async def _handle(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        update_id = _update_id(body)
        headers = {name: request.headers[name] for name in _FORWARDED if name in request.headers}
        release = self._holds.pop(update_id, None) if update_id is not None else None
        if release is not None:
            self._held.append(release)
        upstreams, first = list(self.upstreams), self._turn
        self._turn += 1
        for attempt in range(len(upstreams)):  # this request's turn, then the ones after it
            upstream = upstreams[(first + attempt) % len(upstreams)]
            if attempt == 0 and release is not None:
                await release.wait()
            try:
                async with self._http.request(request.method, upstream + request.path_qs,
                                              data=body, headers=headers) as response:
                    answer = await response.read()
            except aiohttp.ClientConnectionError:
                continue  # that worker is gone: try the next one
            self.routes.append(Route(update_id, upstream, response.status))
            return web.Response(status=response.status, body=answer,
                                content_type=response.content_type)
        return web.Response(status=502, text="no upstream answered")


def _update_id(body: bytes) -> int | None:
    try:
        update = json.loads(body)
    except ValueError:
        return None
    found = update.get("update_id") if isinstance(update, dict) else None
    return found if isinstance(found, int) else None
