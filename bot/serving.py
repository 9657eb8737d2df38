"""Taking updates until told to stop, then stopping in order: polling or Telegram's webhook.

Without ``WEBHOOK_URL`` the bot long-polls (after deleting any webhook); with
it, Telegram posts updates to the bot's HTTP server and polling is off. The
HTTP server (``HTTP_LISTEN``; always in webhook mode) also serves ``/healthz``,
``/readyz`` and ``/metrics``.

A stop (SIGTERM) goes: readiness and the webhook answer 503 (the load balancer
and Telegram send updates elsewhere), polling stops, updates in hand finish,
answers get ``SHUTDOWN_GRACE`` to finish (the rest are handed back), the
server closes; the caller then closes everything else.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack

from aiogram.exceptions import ClientDecodeError, TelegramAPIError

from bot.app import Application
from bot.config import ConfigError, Settings
from bot.oneline import first_line
from bot.web import WebServer
from bot.web_adapter import readiness_check, set_webhook, update_feeder

log = logging.getLogger(__name__)

POLLING_CONCURRENCY = 64  # updates handled at once; handlers return in milliseconds


async def run(app: Application, settings: Settings, stop: asyncio.Event) -> None:
    """Serve updates until ``stop`` is set (or polling fails), then stop as described above."""
    grace = settings.shutdown_grace
    async with AsyncExitStack() as stack:
        server = None
        if settings.listen_address is not None:
            server = WebServer.from_settings(settings, metrics=app.metrics,
                                             ready=readiness_check(app),
                                             on_update=update_feeder(app))
            await _listen(server, settings)
            stack.push_async_callback(server.stop, grace)
        failure = None
        if settings.webhook_url:
            await set_webhook(app, settings)
            await stop.wait()
            if server is not None:  # always there: webhook mode listens by default
                server.begin_shutdown()
        else:
            failure = await _poll(app, stop, before_stopping=server)
        log.info("stopping: no new updates; finishing answers in flight")
        await app.sweeps.close()
        await app.updates.drained(grace)
        await app.deps.answers.shutdown(grace)
        if not settings.webhook_url:
            await _confirm(app)
    if failure is not None:
        raise failure


async def _listen(server: WebServer, settings: Settings) -> None:
    """Start the HTTP server; an address the system refuses is ``HTTP_LISTEN``'s to fix."""
    try:
        await server.start()
    except OSError as exc:  # in use, not this machine's, no such host
        reason = exc.strerror or first_line(exc)
        raise ConfigError(f"HTTP_LISTEN: cannot listen on {settings.listen_address} ({reason})"
                          ) from exc


async def _poll(app: Application, stop: asyncio.Event,
                before_stopping: WebServer | None) -> BaseException | None:
    """Long-poll until ``stop``; what made polling fail, if it did."""
    await app.bot.delete_webhook(drop_pending_updates=False)
    polling = asyncio.create_task(app.dispatcher.start_polling(
        app.bot, handle_signals=False, close_bot_session=False,
        tasks_concurrency_limit=POLLING_CONCURRENCY,
        allowed_updates=app.dispatcher.resolve_used_update_types()))
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if before_stopping is not None:
        before_stopping.begin_shutdown()  # not ready from the first moment of the stop
    if not polling.done():
        await app.dispatcher.stop_polling()
    stopped.cancel()
    await asyncio.gather(polling, stopped, return_exceptions=True)
    return None if polling.cancelled() else polling.exception()


async def _confirm(app: Application) -> None:
    """Tell Telegram which polled updates are done (see ``UpdateTracker.confirm``)."""
    try:
        await app.updates.confirm(app.bot)
    except (TelegramAPIError, ClientDecodeError) as exc:  # not worth failing a clean stop over
        log.warning("could not confirm the last updates: %s", exc)
