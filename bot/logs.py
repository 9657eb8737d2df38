"""Logging for ``python -m bot``: one stderr handler, and every line it writes is redacted.

Warnings, uncaught exceptions (in the main thread or another) and the
"exception ignored" reports of objects finalized at exit are routed into the
same log, so none of them reaches stderr without redaction.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType

from bot.redaction import RedactingFormatter, Redactor

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, redact: Redactor) -> None:
    """Log to stderr at ``level`` through redacting formatters; route stray errors there too."""
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(handler.formatter, redact))
    logging.captureWarnings(True)
    hooks = _Hooks(logging.getLogger("bot"))
    sys.excepthook = hooks.uncaught
    sys.unraisablehook = hooks.unraisable
    threading.excepthook = hooks.uncaught_in_thread


class _Hooks:
    """Python's last-resort reporters, logging instead of printing.

    The logger is held here rather than looked up: at interpreter exit module
    globals may already be gone when a finalizer's error is reported.
    """

    def __init__(self, log: logging.Logger) -> None:
        self._log = log

    def uncaught(self, kind: type[BaseException], error: BaseException,
                 traceback: TracebackType | None) -> None:
        """``sys.excepthook``: the exception that ends the program."""
        self._log.critical("stopped by an unexpected error", exc_info=(kind, error, traceback))

    def uncaught_in_thread(self, args: threading.ExceptHookArgs) -> None:
        """``threading.excepthook``: an exception that ends a thread."""
        name = args.thread.name if args.thread is not None else "?"
        if args.exc_value is None:
            self._log.error("thread %s stopped by %s", name, args.exc_type.__name__)
            return
        self._log.error("thread %s stopped by an unexpected error", name,
                        exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    def unraisable(self, unraisable: sys.UnraisableHookArgs) -> None:
        """``sys.unraisablehook``: an error nobody could catch (in a finalizer, at exit)."""
        what = unraisable.err_msg or "Exception ignored in"
        if unraisable.exc_value is None:
            self._log.error("%s: %r (%s)", what, unraisable.object,
                            unraisable.exc_type.__name__)
            return
        self._log.error("%s: %r", what, unraisable.object,
                        exc_info=(unraisable.exc_type, unraisable.exc_value,
                                  unraisable.exc_traceback))
