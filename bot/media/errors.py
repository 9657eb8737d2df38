"""The media package's one error tree.

Every failure of turning a Telegram file into a question part is one of
these; aiohttp, aiogram, pypdf and zip errors are translated where they
happen and chained with ``from`` (never with a message that holds the bot
token)::

    MediaError                  any failure to use a file a user sent
    ├── FileTooLarge            over the size cap; ``size`` (when known), ``limit``
    ├── DownloadFailed          getFile or the download failed; ``status`` when HTTP said so
    ├── UnsupportedDocument     not a text, PDF or DOCX file, or a corrupt one
    ├── EncryptedDocument       a password-protected PDF
    ├── NoTextFound             nothing to read: a scanned PDF, an empty file
    └── TranscriptionFailed     the speech-to-text endpoint failed; ``reason`` is its kind

``MediaError.kind`` is a short stable word for each class, for logs and for
callers that map failures to user-facing texts.
"""

from __future__ import annotations


class MediaError(Exception):
    """Base of every error the media package raises."""

    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileTooLarge(MediaError):
    """The file is bigger than the cap (Telegram's or ours); ``size`` is None when unknown."""

    kind = "too_large"

    def __init__(self, *, size: int | None, limit: int) -> None:
        shown = "unknown size" if size is None else f"{size} bytes"
        super().__init__(f"file too large ({shown}; the limit is {limit} bytes)")
        self.size = size
        self.limit = limit


class DownloadFailed(MediaError):
    """The file could not be fetched: getFile refused, the network or the HTTP answer failed."""

    kind = "download"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class UnsupportedDocument(MediaError):
    """A document of a kind we cannot read, or a corrupt one."""

    kind = "unsupported"

    def __init__(
        self, *, file_name: str | None, mime_type: str | None, reason: str = "unsupported"
    ) -> None:
        super().__init__(f"{reason} document: {file_name or '?'} ({mime_type or 'no MIME type'})")
        self.file_name = file_name
        self.mime_type = mime_type


class EncryptedDocument(MediaError):
    """A document that needs a password to open."""

    kind = "encrypted"


class NoTextFound(MediaError):
    """A readable document without any text in it (a scanned PDF, an empty file)."""

    kind = "no_text"


class TranscriptionFailed(MediaError):
    """The speech-to-text endpoint could not turn a voice message into text."""

    kind = "transcription"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # the provider failure's kind (timeout, unavailable, ...)
