"""Which photo size to send to a vision model, and whether bytes are an image it takes."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import PhotoSize

# What vision models accept; Telegram's own photos are always JPEG.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_ACCEPTED = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def choose_photo(sizes: Sequence[PhotoSize], max_side: int) -> PhotoSize:
    """The largest size whose longer side is at most ``max_side``, else the smallest size.

    Telegram sends one picture in several sizes; ``max_side`` is ``IMAGE_MAX_SIDE``.
    """
    if not sizes:
        raise ValueError("a photo has at least one size")
    fitting = [size for size in sizes if max(size.width, size.height) <= max_side]
    if fitting:
        return max(fitting, key=_area)
    return min(sizes, key=_area)


def _area(size: PhotoSize) -> int:
    return size.width * size.height


def image_mime(data: bytes, declared: str | None) -> str | None:
    """The MIME type of an image a vision model takes (JPEG, PNG, WEBP, GIF), else None.

    The bytes decide when they start like one of those formats; otherwise the
    ``declared`` type (a document's ``mime_type``) counts when it names one.
    A photo sent as a file is a photo when this gives a type.
    """
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if declared is not None:
        base = declared.split(";", 1)[0].strip().lower()
        if base == "image/jpg":  # seen in the wild
            base = "image/jpeg"
        if base in _ACCEPTED:
            return base
    return None
