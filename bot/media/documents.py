"""Documents as question parts: the text of a text, PDF or DOCX file, and its rendering."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from bot.media.docx_text import read_docx
from bot.media.errors import NoTextFound, UnsupportedDocument
from bot.media.formats import DocumentKind, document_kind
from bot.media.pdf_text import read_pdf
from bot.media.plain_text import decode_text

_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class ExtractedDocument:
    """The text taken from one document (``kind``: "text", "pdf" or "docx")."""

    name: str
    text: str
    truncated: bool
    kind: DocumentKind


async def extract_text(
    data: bytes, *, file_name: str | None, mime_type: str | None, max_chars: int
) -> ExtractedDocument:
    """The text of a document, cut at ``max_chars`` (``DOCUMENT_MAX_CHARS``).

    Parsing runs in a thread. Raises :class:`UnsupportedDocument` (neither
    text, PDF nor DOCX, or broken), :class:`EncryptedDocument` or
    :class:`NoTextFound`.
    """
    return await asyncio.to_thread(_extract, data, file_name, mime_type, max_chars)


def _extract(
    data: bytes, file_name: str | None, mime_type: str | None, max_chars: int
) -> ExtractedDocument:
    kind = document_kind(data, file_name, mime_type)
    if kind is None:
        raise UnsupportedDocument(file_name=file_name, mime_type=mime_type)
    unread = False  # the parser stopped early: there is more than it gave
    if kind == "pdf":
        text, unread = read_pdf(data, limit=max_chars, file_name=file_name, mime_type=mime_type)
    elif kind == "docx":
        text, unread = read_docx(data, limit=max_chars, file_name=file_name, mime_type=mime_type)
    else:
        text = decode_text(data, mime_type)
        if not text.strip():
            raise NoTextFound(f"{file_name or 'the file'} is empty")
    truncated = unread or len(text) > max_chars
    return ExtractedDocument(
        name=file_name or f"document.{kind if kind != 'text' else 'txt'}",
        text=text[:max_chars] if truncated else text,
        truncated=truncated,
        kind=kind,
    )


def document_block(doc: ExtractedDocument, *, note: str | None) -> str:
    """The question part for a document: its name, its text fenced, then ``note`` if cut.

    The fence is longer than any run of backticks in the text, so a file
    holding a fence of its own cannot end the block early. ``note`` is the
    caller's (translated) line saying the text was cut.
    """
    longest = max((len(run) for run in _BACKTICKS.findall(doc.text)), default=0)
    fence = "`" * max(3, longest + 1)
    name = " ".join(doc.name.split())  # a name cannot add lines of its own
    body = doc.text if doc.text.endswith("\n") else doc.text + "\n"
    block = f"File: {name}\n{fence}\n{body}{fence}"
    if doc.truncated and note:
        block += f"\n{note}"
    return block
