"""The text of a DOCX file, paragraphs and tables in order (blocking: run it in a thread)."""

from __future__ import annotations

import io
import zipfile
import zlib

import docx
from docx.opc.exceptions import OpcError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from bot.media.errors import EncryptedDocument, NoTextFound, UnsupportedDocument
from bot.media.formats import is_ole_container

# A DOCX is a zip of XML parts: damage shows as zip, zlib, XML or lookup errors.
_BROKEN = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OpcError,
    etree.LxmlError,
    zlib.error,
    KeyError,
    ValueError,
    EOFError,
    NotImplementedError,  # a zip compression method Python lacks
    RuntimeError,  # an encrypted zip member
)


def read_docx(
    data: bytes, *, limit: int, file_name: str | None, mime_type: str | None
) -> tuple[str, bool]:
    """Paragraphs and table rows (cells apart by `` | ``), one per line, and whether more was left.

    Reading stops once the text is past ``limit`` characters.

    A password-protected DOCX (an OLE container) raises
    :class:`EncryptedDocument`, a broken one :class:`UnsupportedDocument`, one
    without text :class:`NoTextFound`.
    """
    if is_ole_container(data):
        raise EncryptedDocument(f"{file_name or 'the document'} needs a password")
    lines: list[str] = []
    unread = False
    try:
        length = 0
        for block in docx.Document(io.BytesIO(data)).iter_inner_content():
            if length > limit:
                unread = True
                break
            for line in _block_lines(block):
                lines.append(line)
                length += len(line) + 1
    except _BROKEN as exc:
        raise UnsupportedDocument(
            file_name=file_name, mime_type=mime_type, reason="unreadable"
        ) from exc
    text = "\n".join(lines).strip()
    if not text:
        raise NoTextFound(f"{file_name or 'the document'} has no text")
    return text, unread


def _block_lines(block: Paragraph | Table) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    rows = []
    for row in block.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell is the same object once per grid column it spans.
            if id(cell) not in seen:
                seen.add(id(cell))
                cells.append(cell.text.replace("\n", " "))
        rows.append(" | ".join(cells))
    return rows
