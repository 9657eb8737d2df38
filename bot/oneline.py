"""Errors in one line: what logs and one-line messages show of an exception."""

from __future__ import annotations


def first_line(error: BaseException | str) -> str:
    """The first line of an error's message (or of ``error`` itself, a message already).

    Library errors may span several lines (a SQL statement, a response body);
    a one-line configuration error or log entry keeps the line that says why.
    An exception without a message is named by its class.
    """
    text = error.strip() if isinstance(error, str) else str(error).strip()
    if text:
        return text.splitlines()[0]
    return "" if isinstance(error, str) else type(error).__name__
