"""Reading a file a local Bot API server (``telegram-bot-api --local``) left on disk.

Blocking by nature: callers run :func:`read_local` in a thread.
"""

from __future__ import annotations

import logging
import os

from bot.media.errors import FileTooLarge

log = logging.getLogger(__name__)


def read_local(path: str, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it is not there or not readable (then download it).

    Reads at most one byte past ``max_bytes``: a bigger file raises
    :class:`FileTooLarge` without being loaded whole.
    """
    try:
        with open(path, "rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as exc:
        # The path may name the token's directory: log the reason only.
        log.debug("local file not readable (%s); downloading it instead", exc.strerror)
        return None
    if len(data) > max_bytes:
        size = _size_of(path)
        raise FileTooLarge(size=size, limit=max_bytes)
    return data


def _size_of(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None
