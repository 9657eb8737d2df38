"""Decoding text files: byte-order marks, declared charsets, UTF-8, old code pages, bad bytes."""

from __future__ import annotations

import codecs
import random

import pytest

from bot.media.documents import extract_text
from bot.media.plain_text import declared_charset, decode_text

RUSSIAN = "Привет, мир! Это проверка кодировки: съешь же ещё этих мягких французских булок."


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"),
        RUSSIAN.encode("utf-8"),
        codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + RUSSIAN.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + RUSSIAN.encode("utf-32-le"),
    ],
    ids=["utf-8-bom", "utf-8", "utf-16-le", "utf-16-be", "utf-32-le"],
)
def test_unicode_files_with_or_without_a_bom(data: bytes) -> None:
    assert decode_text(data, "text/plain") == RUSSIAN  # no BOM character left over


def test_a_charset_in_the_mime_type_is_obeyed() -> None:
    data = RUSSIAN.encode("windows-1251")
    assert decode_text(data, "text/plain; charset=windows-1251") == RUSSIAN
    assert decode_text("Grüße".encode("latin-1"), 'text/plain; charset="ISO-8859-1"') == "Grüße"


@pytest.mark.parametrize(
    ("mime", "charset"),
    [
        ("text/plain; charset=windows-1251", "cp1251"),
        ("text/csv;charset=UTF-8", "utf-8"),
        ("text/plain; format=flowed; charset=koi8-r", "koi8-r"),
        ("text/plain; charset=no-such-codec", None),
        ("text/plain", None),
        (None, None),
    ],
)
def test_declared_charsets(mime: str | None, charset: str | None) -> None:
    assert declared_charset(mime) == charset


@pytest.mark.parametrize("charset", ["zip", "idna", "base64"])
def test_a_declared_codec_that_is_not_for_text_is_ignored(charset: str) -> None:
    assert decode_text(b"plain words", f"text/plain; charset={charset}") == "plain words"


def test_an_undeclared_old_cyrillic_file_is_detected() -> None:
    assert decode_text((RUSSIAN + "\n").encode("windows-1251") * 3, "text/plain") == (
        (RUSSIAN + "\n") * 3
    )


def test_line_ends_become_newlines() -> None:
    assert decode_text(b"one\r\ntwo\rthree\n", None) == "one\ntwo\nthree\n"


def test_bad_bytes_never_crash() -> None:
    rng = random.Random(7)
    for _ in range(50):
        data = bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 400)))
        assert isinstance(decode_text(data, "text/plain"), str)
    assert decode_text(b"ok \xff\xfe\xfd", "text/plain; charset=utf-8") == "ok \ufffd\ufffd\ufffd"


async def test_a_cp1251_document_reads_as_russian() -> None:
    doc = await extract_text(
        RUSSIAN.encode("windows-1251"),
        file_name="notes.txt",
        mime_type="text/plain; charset=windows-1251",
        max_chars=1000,
    )
    assert doc.text == RUSSIAN
