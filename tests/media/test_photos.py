"""Choosing a photo size and telling images apart by their bytes."""

from __future__ import annotations

import pytest
from aiogram.types import PhotoSize, Update

from bot.media import FileDownloader
from bot.media.photos import choose_photo, image_mime
from tests.fakes.telegram import FakeTelegram, jpeg_stub
from tests.media.samples import gif, pdf, png, webp


def size(width: int, height: int) -> PhotoSize:
    return PhotoSize(file_id=f"{width}x{height}", file_unique_id="u", width=width, height=height)


SIZES = [size(90, 51), size(320, 180), size(800, 450), size(1280, 720), size(2560, 1440)]


@pytest.mark.parametrize(
    ("max_side", "chosen"),
    [
        (2048, "1280x720"),  # the largest that fits
        (1280, "1280x720"),  # a side equal to the limit fits
        (1279, "800x450"),
        (4096, "2560x1440"),
        (50, "90x51"),  # nothing fits: the smallest
    ],
)
def test_the_largest_size_that_fits_is_chosen(max_side: int, chosen: str) -> None:
    assert choose_photo(SIZES, max_side).file_id == chosen


def test_the_longer_side_counts_and_order_does_not_matter() -> None:
    portrait = [size(1440, 2560), size(405, 720), size(1152, 2048)]
    assert choose_photo(portrait, 2048).file_id == "1152x2048"
    assert choose_photo(portrait, 700).file_id == "405x720"  # none fits: the smallest


def test_a_photo_without_sizes_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="at least one size"):
        choose_photo([], 2048)


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (jpeg_stub(10, 10), "image/jpeg"),
        (png(3, 2), "image/png"),
        (gif(), "image/gif"),
        (webp(), "image/webp"),
    ],
)
def test_image_bytes_are_recognised_whatever_was_declared(data: bytes, mime: str) -> None:
    assert image_mime(data, None) == mime
    assert image_mime(data, "application/octet-stream") == mime
    assert image_mime(data, "image/png") == mime  # the bytes win over a wrong label


@pytest.mark.parametrize(
    ("declared", "mime"),
    [
        ("image/jpeg", "image/jpeg"),
        ("IMAGE/PNG; name=x.png", "image/png"),
        ("image/jpg", "image/jpeg"),
        ("image/heic", None),  # an image, but not one vision models take
        ("application/pdf", None),
        (None, None),
    ],
)
def test_unknown_bytes_count_by_their_declared_type(declared: str | None, mime: str | None) -> None:
    assert image_mime(b"\x00\x01 not a known header", declared) == mime


def test_documents_are_not_images() -> None:
    assert image_mime(pdf(["text"]), None) is None
    assert image_mime(b"RIFF\x00\x00\x00\x00WAVEfmt ", None) is None  # RIFF, but audio
    assert image_mime(b"", None) is None


async def test_the_chosen_size_of_a_sent_photo_is_downloaded(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    update = Update.model_validate(telegram.private_photo(5, [(90, 68), (800, 600), (2560, 1920)]))
    assert update.message
    assert update.message.photo
    chosen = choose_photo(update.message.photo, 2048)
    data = await downloader.fetch(chosen.file_id, size_hint=chosen.file_size)
    assert data == jpeg_stub(800, 600)
    assert image_mime(data, None) == "image/jpeg"
