"""Telegram files as parts of a question: downloads, photos, documents, albums and quotes.

No aiogram handlers here: the bot's handlers call these pieces and put what
they return into the question they send to the model.

- :class:`FileDownloader` fetches a file by ``file_id`` under a size cap.
- :func:`choose_photo` picks the photo size to send; :func:`image_mime` tells
  whether bytes are an image a vision model takes.
- :func:`extract_text` reads text, PDF and DOCX documents;
  :func:`document_block` renders one for the question.
- :class:`AlbumCollector` gathers the messages of one album.
- :func:`quoted_context` and :func:`forwarded_context` describe what a message
  replies to, quotes or forwards; :func:`quoted_block` renders it;
  :func:`is_reply_to` tells replies to the bot's own messages apart.
- :class:`Intake` notes a question's files at once (photos by file id) and reads
  the rest when the answer is written (documents' text, transcripts through
  :class:`~bot.media.transcription.Transcriber`).
- Failures are :class:`MediaError` subclasses (see :mod:`bot.media.errors`).
"""

from bot.media.albums import AlbumCollector
from bot.media.documents import ExtractedDocument, document_block, extract_text
from bot.media.download import PUBLIC_API_LIMIT, FileDownloader
from bot.media.errors import (
    DownloadFailed,
    EncryptedDocument,
    FileTooLarge,
    MediaError,
    NoTextFound,
    TranscriptionFailed,
    UnsupportedDocument,
)
from bot.media.intake import Intake, IntakeLimits, SpeechToText, unread
from bot.media.photos import choose_photo, image_mime
from bot.media.quotes import (
    QuotedContext,
    forwarded_context,
    is_reply_to,
    quoted_block,
    quoted_context,
    replied_message,
)

__all__ = [
    "PUBLIC_API_LIMIT",
    "AlbumCollector",
    "DownloadFailed",
    "EncryptedDocument",
    "ExtractedDocument",
    "FileDownloader",
    "FileTooLarge",
    "Intake",
    "IntakeLimits",
    "MediaError",
    "NoTextFound",
    "QuotedContext",
    "SpeechToText",
    "TranscriptionFailed",
    "UnsupportedDocument",
    "choose_photo",
    "document_block",
    "extract_text",
    "forwarded_context",
    "image_mime",
    "is_reply_to",
    "quoted_block",
    "quoted_context",
    "replied_message",
    "unread",
]
