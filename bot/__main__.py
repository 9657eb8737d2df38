"""``python -m bot``: migrate, register commands, take updates; stop cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from bot.app import application, register_commands
from bot.config import ConfigError, Settings, load_settings
from bot.serving import run
from bot.sole_worker import sole_worker

log = logging.getLogger("bot")


async def serve(settings: Settings) -> None:
    """Run until a stop signal, then finish or hand back what is in flight, and close."""
    # Without Redis, one worker per database: the lock is held until the process ends.
    async with sole_worker(settings), application(settings) as app:
        await register_commands(app.bot)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await run(app, settings, stop)
    log.info("stopped")


def main() -> int:
    """Entry point: configuration problems are one line on stderr and exit status 2."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(settings))
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
