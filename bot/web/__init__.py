"""The bot's HTTP server: Telegram's webhook, ``/healthz``, ``/readyz`` and ``/metrics``.

Built by the composition root (:meth:`WebServer.from_settings`); it never
touches aiogram itself: the webhook hands each update's JSON to an injected
coroutine.
"""

from bot.web.probes import Readiness, ReadinessCheck
from bot.web.server import WebServer, build_web_app
from bot.web.webhook import SECRET_HEADER, OnUpdate, Webhook

__all__ = ["SECRET_HEADER", "OnUpdate", "Readiness", "ReadinessCheck", "WebServer", "Webhook",
           "build_web_app"]
