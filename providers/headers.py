"""Caller-given text made safe for the headers of a request (a form part's file name and type).

aiohttp refuses control characters in headers (as header injection) with a
``ValueError`` before anything is sent; other invisible characters pass but
make names nobody can read. A file name or type from a client is cleaned
here instead, with a sane default when nothing usable is left.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

FILENAME_MAX: Final = 120
CONTENT_TYPE_MAX: Final = 100
EXTENSION_MAX: Final = 10
# Controls, format marks (zero-width, bidi), surrogates, private use, unassigned,
# and the Unicode line and paragraph separators.
_UNSAFE_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_TOKEN = r"[A-Za-z0-9!#$&^_.+-]+"
_CONTENT_TYPE: Final = re.compile(
    rf"{_TOKEN}/{_TOKEN}(?:\s*;\s*{_TOKEN}=(?:{_TOKEN}|\"[^\"\\]*\"))*")


def visible(text: str | None) -> str:
    """``text`` without the characters no header may carry, trimmed."""
    return "".join(c for c in text or "" if unicodedata.category(c) not in _UNSAFE_CATEGORIES
                   ).strip()


def safe_filename(name: str | None, default: str) -> str:
    """A file name fit for a form part: cleaned, at most ``FILENAME_MAX`` characters.

    A long name is cut in its stem, so that its extension (which servers read
    to tell the format) survives.
    """
    cleaned = visible(name)
    if len(cleaned) > FILENAME_MAX:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and stem and 0 < len(extension) <= EXTENSION_MAX:
            cleaned = f"{stem[:FILENAME_MAX - len(extension) - 1].rstrip()}.{extension}"
        else:
            cleaned = cleaned[:FILENAME_MAX].rstrip()
    return cleaned or default


def safe_content_type(value: str | None, default: str) -> str:
    """A MIME type fit for a header (``type/subtype``, parameters allowed), else ``default``."""
    cleaned = visible(value)
    if len(cleaned) <= CONTENT_TYPE_MAX and _CONTENT_TYPE.fullmatch(cleaned):
        return cleaned
    return default
