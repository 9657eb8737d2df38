"""Bytes of a text file to ``str``: byte-order marks, a declared charset, UTF-8, a detector."""

from __future__ import annotations

import codecs

import charset_normalizer

_BOMS = (  # UTF-32 first: its little-endian mark starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, mime_type: str | None) -> str:
    """The text of a file, with ``\\n`` line ends; undecodable bytes become U+FFFD, never errors.

    A byte-order mark decides first, then a charset declared in the MIME type
    (``text/plain; charset=windows-1251``), then UTF-8; only bytes that are
    none of those go to a detector (old Cyrillic or Western code pages).
    """
    return _normalise_newlines(_decode(data, mime_type))


def _decode(data: bytes, mime_type: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = declared_charset(mime_type)
    if declared is not None:
        try:
            return data.decode(declared, errors="replace")
        except (LookupError, UnicodeError):
            pass  # not a text codec after all ("zlib", "idna"…): go on as if undeclared
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("utf-8", errors="replace")


def declared_charset(mime_type: str | None) -> str | None:
    """The codec named by a MIME type's ``charset`` parameter, when Python knows it."""
    for parameter in (mime_type or "").split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            try:
                return codecs.lookup(value.strip().strip('"')).name
            except LookupError:
                return None
    return None


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
