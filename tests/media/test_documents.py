"""Reading documents users send: which files, PDF and DOCX text, truncation, damage."""

from __future__ import annotations

import random
import threading

import pytest
from aiogram.types import Update

from bot.media import (
    EncryptedDocument,
    FileDownloader,
    MediaError,
    NoTextFound,
    UnsupportedDocument,
)
from bot.media import documents as documents_module
from bot.media.documents import ExtractedDocument, extract_text
from bot.media.formats import DOCX_MIME
from tests.fakes.telegram import FakeTelegram
from tests.media.samples import encrypted_pdf, pdf, png, word

LIMIT = 60_000


async def extract(
    data: bytes, file_name: str | None, mime_type: str | None = None, max_chars: int = LIMIT
) -> ExtractedDocument:
    return await extract_text(data, file_name=file_name, mime_type=mime_type, max_chars=max_chars)


@pytest.mark.parametrize(
    "suffix",
    [
        "txt", "md", "csv", "tsv", "json", "yaml", "yml", "xml", "html", "log", "py", "js",
        "ts", "go", "rs", "java", "c", "h", "cpp", "cs", "rb", "php", "sh", "sql", "kt",
        "swift", "toml", "ini",
    ],
)
async def test_text_files_are_known_by_their_extension(suffix: str) -> None:
    # Telegram often labels source files oddly (.ts as an MPEG stream) or not at all.
    for mime in (None, "application/octet-stream", "video/mp2t"):
        doc = await extract(b"x = 1\n", f"code.{suffix}", mime)
        assert (doc.kind, doc.text, doc.truncated) == ("text", "x = 1\n", False)
        assert doc.name == f"code.{suffix}"


@pytest.mark.parametrize(
    "mime",
    ["text/plain", "text/x-python", "application/json", "application/x-yaml",
     "application/xml", "application/vnd.api+json", "text/html; charset=utf-8"],
)
async def test_text_files_are_known_by_their_mime_type(mime: str) -> None:
    doc = await extract(b'{"a": 1}', None, mime)
    assert (doc.kind, doc.text, doc.name) == ("text", '{"a": 1}', "document.txt")


async def test_well_known_names_without_an_extension_are_text() -> None:
    assert (await extract(b"FROM python:3.11\n", "Dockerfile")).kind == "text"


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", "setup.exe", "application/x-msdownload"),
        (png(2, 2), "picture.png", "image/png"),
        (b"PK\x03\x04\x14\x00\x00\x00", "archive.zip", "application/zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "old.doc", "application/msword"),
        (b"text, but who knows", None, None),
        (b"\x00\x01\x02binary\x00", "data.txt", "text/plain"),  # NUL bytes: not text after all
    ],
)
async def test_other_files_are_unsupported(data: bytes, name: str | None, mime: str | None) -> None:
    with pytest.raises(UnsupportedDocument) as refused:
        await extract(data, name, mime)
    assert (refused.value.kind, refused.value.file_name, refused.value.mime_type) == (
        "unsupported", name, mime
    )


async def test_an_empty_text_file_has_no_text() -> None:
    with pytest.raises(NoTextFound) as empty:
        await extract(b" \r\n\n", "empty.txt")
    assert empty.value.kind == "no_text"


async def test_long_text_is_cut_at_the_limit() -> None:
    doc = await extract(b"a" * 99 + b"b", "long.txt", max_chars=40)
    assert (doc.text, doc.truncated) == ("a" * 40, True)
    exact = await extract(b"a" * 40, "exact.txt", max_chars=40)
    assert (exact.text, exact.truncated) == ("a" * 40, False)


async def test_pdf_pages_are_read_in_order() -> None:
    data = pdf(["First page\nsecond line", None, "Third (last) page"])
    doc = await extract(data, "report.pdf", "application/pdf")
    assert doc.kind == "pdf"
    assert doc.text == "First page\nsecond line\n\nThird (last) page"
    unnamed = await extract(data, None, "application/octet-stream")  # known by its bytes
    assert (unnamed.kind, unnamed.name) == ("pdf", "document.pdf")


async def test_a_scanned_pdf_has_no_text() -> None:
    with pytest.raises(NoTextFound):
        await extract(pdf([None, None]), "scan.pdf", "application/pdf")


async def test_a_password_protected_pdf_is_refused() -> None:
    with pytest.raises(EncryptedDocument) as refused:
        await extract(encrypted_pdf(["secret"], user_password="s3cret"), "locked.pdf")
    assert refused.value.kind == "encrypted"


async def test_a_pdf_encrypted_with_an_empty_password_is_read() -> None:
    doc = await extract(encrypted_pdf(["Readable anyway"], user_password=""), "perms.pdf")
    assert doc.text == "Readable anyway"


async def test_a_long_pdf_stops_being_read_past_the_limit() -> None:
    pages = [f"page {n} " + "z" * 50 for n in range(200)]
    doc = await extract(pdf(pages), "book.pdf", max_chars=300)
    assert doc.truncated
    assert len(doc.text) == 300
    assert doc.text.startswith("page 0 zzz")


async def test_pages_left_unread_count_as_cut_even_below_the_limit() -> None:
    pages = ["a" * 10, "b" * 10, "c" * 10]
    doc = await extract(pdf(pages), "three.pdf", max_chars=22)
    assert (doc.text, doc.truncated) == ("a" * 10 + "\n\n" + "b" * 10, True)
    whole = await extract(pdf(pages), "three.pdf", max_chars=34)
    assert (whole.text.count("\n\n"), whole.truncated) == (2, False)
    paragraphs = await extract(word(pages), "three.docx", max_chars=21)
    assert (paragraphs.text, paragraphs.truncated) == ("a" * 10 + "\n" + "b" * 10, True)
    assert not (await extract(word(pages), "three.docx", max_chars=32)).truncated


async def test_docx_paragraphs_and_tables_are_read() -> None:
    data = word(
        ["Title", "", "A paragraph."],
        tables=[[["Name", "Qty"], ["apple", "3"]]],
    )
    doc = await extract(data, "list.docx", DOCX_MIME)
    assert doc.kind == "docx"
    assert doc.text == "Title\n\nA paragraph.\nName | Qty\napple | 3"


async def test_merged_docx_cells_are_read_once() -> None:
    import io

    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "wide header"
    for column, text in enumerate(["a", "b", "c"]):
        table.cell(1, column).text = text
    out = io.BytesIO()
    document.save(out)
    doc = await extract(out.getvalue(), "merged.docx")
    assert doc.text == "wide header\na | b | c"


async def test_an_empty_docx_has_no_text() -> None:
    with pytest.raises(NoTextFound):
        await extract(word(["", "  "]), "blank.docx")


async def test_a_password_protected_docx_is_refused() -> None:
    # Word wraps an encrypted DOCX in an OLE compound file.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(EncryptedDocument):
        await extract(data, "locked.docx", DOCX_MIME)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4\nthis is no PDF at all", "broken.pdf"),
        (pdf(["cut short"])[:150], "truncated.pdf"),
        (b"", "empty.pdf"),
        (b"not a zip", "broken.docx"),
        (word(["cut short"])[:300], "truncated.docx"),
        (b"PK\x03\x04" + bytes(100), "zeros.docx"),
    ],
)
async def test_broken_files_are_unsupported_not_crashes(data: bytes, name: str) -> None:
    with pytest.raises(UnsupportedDocument) as refused:
        await extract(data, name)
    assert refused.value.__cause__ is not None  # the parser's own error, chained


@pytest.mark.parametrize("sample", ["pdf", "docx"])
async def test_damaged_files_only_ever_raise_media_errors(sample: str) -> None:
    original = pdf(["Damaged text", "more"]) if sample == "pdf" else word(["Damaged", "text"])
    name = f"damaged.{sample}"
    rng = random.Random(sample)  # deterministic damage
    for _ in range(60):
        damaged = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            doc = await extract(bytes(damaged), name)
        except MediaError:
            continue
        assert doc.kind == sample


async def test_parsing_runs_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []
    real = documents_module.read_pdf

    def spy(data: bytes, **kwargs: object) -> str:
        threads.append(threading.current_thread())
        return real(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents_module, "read_pdf", spy)
    await extract(pdf(["in a thread"]), "t.pdf")
    assert threads
    assert threads[0] is not threading.main_thread()


async def test_a_document_sent_to_the_bot_becomes_text(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    sent = telegram.private_document(5, pdf(["Quarterly numbers"]), "q3.pdf", "application/pdf")
    message = Update.model_validate(sent).message
    assert message
    assert message.document
    document = message.document
    data = await downloader.fetch(document.file_id, size_hint=document.file_size)
    doc = await extract_text(
        data, file_name=document.file_name, mime_type=document.mime_type, max_chars=LIMIT
    )
    assert (doc.name, doc.text, doc.kind) == ("q3.pdf", "Quarterly numbers", "pdf")
