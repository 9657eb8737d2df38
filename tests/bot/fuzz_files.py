"""Real bytes behind some fuzzed files, so downloads, sniffing and text extraction run too.

The generator's file ids point nowhere (``getFile`` fails, which is one path
worth fuzzing). :class:`FileBacking` registers bytes in the fake Bot API for a
share of the photos, documents, voice notes, audio files and round videos of
fuzzed messages and rewrites their ids and sizes to match: pictures and
non-pictures sent as photos; documents that are text in odd encodings (NULs
included), PDFs, DOCX files, truncated or lying ones, random binary, empty
files; names and MIME types as odd as clients send them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from tests.fakes.telegram import FakeTelegram, jpeg_stub
from tests.fakes.telegram.fuzz_text import TextFuzzer
from tests.media import samples

MESSAGE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post",
                 "business_message", "edited_business_message", "guest_message")
_NAMES = ("notes.txt", "report.pdf", "letter.docx", "data.csv", "../../etc/passwd", ".bashrc",
          "no extension", "архив.txt", "📄.md", "a" * 300 + ".txt", "x.PDF", "\u202etxt.exe",
          "line\nbreak.txt", "tab\t\x00nul.txt")
_MIME_TYPES = ("text/plain", "text/plain; charset=utf-16", "text/markdown", "application/pdf",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "application/octet-stream", "image/png", "image/jpeg", "x/" + "y" * 200,
               "text/csv; charset=koi8-r", "application/json", "")

_CHOICES = {"file_name": _NAMES, "mime_type": _MIME_TYPES}


class FileBacking:
    """Registers bytes for a share of fuzzed files (see the module docstring)."""

    def __init__(self, telegram: FakeTelegram, seed: int, *, share: float = 0.5) -> None:
        self._telegram = telegram
        self._rng = random.Random(seed)
        self._text = TextFuzzer(self._rng)
        self._share = share
        self._documents: list[Callable[[], bytes]] = [
            lambda: self._text.text(self._rng.randint(1, 3000)).encode("utf-8"),
            lambda: self._text.text(500).encode("utf-16"),  # with its BOM
            lambda: self._text.text(500).encode("utf-8", "replace")[1:],  # a cut character
            lambda: "Grüße, naïve café".encode("latin-1"),
            lambda: samples.pdf([self._latin1(300), None, "(page) \\three"]),
            lambda: samples.pdf(["cut short"])[:120],
            lambda: samples.encrypted_pdf(["secret"], user_password="pw"),
            lambda: samples.word([self._printable(200), "second paragraph"],
                                 tables=[[["a", "b"], ["", "é"]]]),
            lambda: samples.png(3, 2),
            lambda: self._rng.randbytes(self._rng.randint(1, 4096)),
            lambda: b"",
        ]

    def back(self, update: dict[str, Any]) -> dict[str, Any]:
        """``update`` with bytes registered behind some of its message's files (in place)."""
        message = next((update[k] for k in MESSAGE_KINDS if k in update), None)
        if not isinstance(message, dict) or self._rng.random() >= self._share:
            return update
        if isinstance(message.get("photo"), list):
            message["photo"] = [self._photo(size) for size in message["photo"]]
        if isinstance(message.get("document"), dict):
            message["document"] = self._document(message["document"])
        for kind, named in (("voice", ("mime_type",)), ("audio", ("file_name", "mime_type")),
                            ("video_note", ())):
            if isinstance(message.get(kind), dict):
                message[kind] = self._file(self._named(message[kind], named), self._rng.randbytes(
                    self._rng.randint(0, 2048)), folder=kind)
        return update

    def _printable(self, units: int) -> str:
        """Odd text that XML (DOCX) and PDF strings can hold: no control characters."""
        return "".join(c for c in self._text.text(units) if c.isprintable() or c == "\n")

    def _latin1(self, units: int) -> str:
        """Odd text a simple PDF string can hold (Latin-1, parentheses left unescaped)."""
        return "".join(c for c in self._printable(units) if ord(c) < 256)

    def _photo(self, size: dict[str, Any]) -> dict[str, Any]:
        width, height = int(size.get("width", 1)), int(size.get("height", 1))
        data = jpeg_stub(width, height) if self._rng.random() < 0.8 \
            else self._rng.choice((samples.png(2, 2), samples.gif(), b"not a picture"))
        return self._file(size, data, folder="photos")

    def _document(self, document: dict[str, Any]) -> dict[str, Any]:
        return self._file(self._named(document, ("file_name", "mime_type")),
                          self._rng.choice(self._documents)(), folder="documents")

    def _named(self, media: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        """``media`` with odd ``keys`` (file name, MIME type), or without them, or as it was."""
        media = dict(media)
        for key in keys:
            roll = self._rng.random()
            if roll < 0.2:
                media.pop(key, None)
            elif roll < 0.8:
                media[key] = self._rng.choice(_CHOICES[key])
        return media

    def _file(self, fields: dict[str, Any], data: bytes, *, folder: str) -> dict[str, Any]:
        stored = self._telegram.register_file(data, folder=folder)
        size = stored.file_size if self._rng.random() < 0.9 \
            else self._rng.choice((0, 30 * 1024 * 1024, stored.file_size + 1))  # a lying size
        return {**fields, "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": size}
