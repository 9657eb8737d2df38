"""The text of a PDF, page by page, with pypdf (blocking: callers run it in a thread)."""

from __future__ import annotations

import io
import struct
import zlib

import pypdf
from pypdf.errors import DependencyError, PyPdfError

from bot.media.errors import EncryptedDocument, NoTextFound, UnsupportedDocument

# pypdf reports most damage as PyPdfError, but hostile or broken files also
# surface as plain Python errors from deep inside its parser and filters.
_BROKEN = (
    PyPdfError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    RecursionError,
    OverflowError,
    zlib.error,
    struct.error,
)


def read_pdf(
    data: bytes, *, limit: int, file_name: str | None, mime_type: str | None
) -> tuple[str, bool]:
    """The text of the pages, apart by a blank line, and whether pages were left unread.

    Reading stops once the text is past ``limit`` characters.

    A PDF that needs a password raises :class:`EncryptedDocument` (one that
    opens with an empty password is read); one without any text (a scan)
    :class:`NoTextFound`; a broken one :class:`UnsupportedDocument`.
    """
    pages: list[str] = []
    unread = False
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise EncryptedDocument(f"{file_name or 'the PDF'} needs a password")
        length = 0
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text().strip()
            if text:
                pages.append(text)
                length += len(text) + 2
            if length > limit:
                unread = number < len(reader.pages)
                break
    except _BROKEN as exc:
        raise UnsupportedDocument(
            file_name=file_name, mime_type=mime_type, reason="unreadable"
        ) from exc
    if not pages:
        raise NoTextFound(f"{file_name or 'the PDF'} has no text (a scan?)")
    return "\n\n".join(pages), unread


def _opens_without_password(reader: pypdf.PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))  # 0 is PasswordType.NOT_DECRYPTED
    except DependencyError:
        return False  # AES without a crypto library: we cannot open it either way
