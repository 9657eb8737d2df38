"""``python -m bot``: migrate, register commands, take updates; stop cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from bot.app import application, register_commands
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging
from bot.redaction import Redactor, secrets_in, secrets_of
from bot.serving import run
from bot.sole_worker import sole_worker

log = logging.getLogger("bot")


async def serve(settings: Settings, redact: Redactor) -> None:
    """Run until a stop signal, then finish or hand back what is in flight, and close."""
    # Without Redis, one worker per database: the lock is held until the process ends.
    async with sole_worker(settings), application(settings, redact=redact) as app:
        await register_commands(app.bot)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await run(app, settings, stop)
    log.info("stopped")


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
        asyncio.run(serve(settings, redact))
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
