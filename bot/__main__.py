"""``python -m bot``: migrate, register commands, poll; stop cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from aiogram.exceptions import ClientDecodeError, TelegramAPIError

from bot.app import Application, application, register_commands
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging
from bot.redaction import Redactor, secrets_in, secrets_of

log = logging.getLogger("bot")

POLLING_CONCURRENCY = 64  # updates handled at once; handlers return in milliseconds


async def serve(settings: Settings) -> None:
    """Run until a stop signal, then finish or hand back what is in flight, and close."""
    async with application(settings) as app:
        await register_commands(app.bot)
        await app.bot.delete_webhook(drop_pending_updates=False)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        polling = asyncio.create_task(app.dispatcher.start_polling(
            app.bot, handle_signals=False, close_bot_session=False,
            tasks_concurrency_limit=POLLING_CONCURRENCY,
            allowed_updates=app.dispatcher.resolve_used_update_types()))
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
        log.info("stopping: no new updates; finishing answers in flight")
        if not polling.done():
            await app.dispatcher.stop_polling()
        stopped.cancel()
        await asyncio.gather(polling, stopped, return_exceptions=True)
        await shutdown(app, settings.shutdown_grace)
        if (error := polling.exception()) is not None:
            raise error
    log.info("stopped")


async def shutdown(app: Application, grace: float) -> None:
    """Let handlers and answers finish within ``grace``; confirm only what is done."""
    await app.updates.drained(grace)
    await app.deps.answers.shutdown(grace)
    try:
        await app.updates.confirm(app.bot)
    except (TelegramAPIError, ClientDecodeError) as exc:  # not worth failing a clean stop over
        log.warning("could not confirm the last updates: %s", exc)


def main() -> int:
    """Entry point: configuration problems are one line on stderr and exit status 2.

    Nothing the process writes carries a secret: the log and that line are redacted.
    """
    redact = Redactor(secrets_in(os.environ))
    try:
        settings = load_settings()
    except ConfigError as exc:
        return configuration_error(exc, redact)
    redact = Redactor([*secrets_in(os.environ), *secrets_of(settings)])
    configure_logging(settings.log_level, redact)
    try:
        asyncio.run(serve(settings))
    except ConfigError as exc:
        return configuration_error(exc, redact)
    return 0


def configuration_error(error: ConfigError, redact: Redactor) -> int:
    """Print the problem as one line on stderr; the exit status for it."""
    line = " ".join(str(error).split())
    print(f"configuration error: {redact(line)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
