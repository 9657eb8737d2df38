"""The HTTP server: routes, start, and a stop in two steps (refuse first, close later)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from aiohttp import web

from bot.config import Settings
from bot.metrics import Metrics
from bot.web.probes import Readiness, ReadinessCheck, healthz, metrics_endpoint
from bot.web.webhook import OnUpdate, Webhook

log = logging.getLogger(__name__)


def build_web_app(*, metrics: Metrics, readiness: Readiness,
                  webhook: Webhook | None = None) -> web.Application:
    """The routes: ``/healthz``, ``/readyz``, ``/metrics`` and, if given, the webhook."""
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readiness.readyz)
    app.router.add_get("/metrics", metrics_endpoint(metrics))
    if webhook is not None:
        app.router.add_post(webhook.path, webhook.handle)
    return app


class WebServer:
    """Serves :func:`build_web_app` on ``host:port`` (port 0: any free port, see :attr:`port`)."""

    def __init__(self, host: str, port: int, *, metrics: Metrics, ready: ReadinessCheck,
                 webhook: Webhook | None = None, ready_timeout: float = 2.0) -> None:
        self._host = host
        self._port = port
        self._readiness = Readiness(ready, timeout=ready_timeout)
        self._webhook = webhook
        self._app = build_web_app(metrics=metrics, readiness=self._readiness, webhook=webhook)
        self._runner: web.AppRunner | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, metrics: Metrics, ready: ReadinessCheck,
                      on_update: OnUpdate, answer_within: float = 0.5) -> WebServer:
        """The server ``HTTP_LISTEN`` asks for, with the webhook when ``WEBHOOK_URL`` is set."""
        address = settings.listen_address
        if address is None:
            raise ValueError("no HTTP server: neither HTTP_LISTEN nor WEBHOOK_URL is set")
        webhook = None
        if settings.webhook_url and settings.webhook_secret:
            webhook = Webhook(urlsplit(settings.webhook_url).path or "/",
                              settings.webhook_secret.get_secret_value(), on_update,
                              answer_within=answer_within)
        return cls(*address, metrics=metrics, ready=ready, webhook=webhook)

    async def start(self) -> None:
        """Start listening."""
        # No access log: probes and scrapes every few seconds would drown everything else.
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        log.info("HTTP server listening on %s:%d", self._host, self.port)

    @property
    def port(self) -> int:
        """The port actually bound (useful after asking for port 0)."""
        if self._runner is None or not self._runner.addresses:
            raise RuntimeError("the server is not started")
        return int(self._runner.addresses[0][1])

    def begin_shutdown(self) -> None:
        """Step one: ``/readyz`` and the webhook answer 503, so traffic goes elsewhere."""
        self._readiness.stop()
        if self._webhook is not None:
            self._webhook.refuse()

    async def stop(self, grace: float = 5.0) -> None:
        """Step two: close the listener, then wait up to ``grace`` s for updates in hand."""
        self.begin_shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._webhook is not None:
            await self._webhook.drain(grace)
