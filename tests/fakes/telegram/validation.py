"""What Telegram accepts as message text: markup, entities, length; and what it then shows."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.fakes.telegram.errors import TelegramError

_ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
_MD_MARKERS = re.compile(r"\\(.)|(\|\||[*_~`])")
_MDV2_RESERVED = ".!-=+#{}"
_MAX_UNITS = 4096  # longest message text, in UTF-16 code units
_MAX_BUTTONS = 100  # buttons of one inline keyboard
_MAX_ROW = 8  # buttons in one row of an inline keyboard
_MAX_CALLBACK_DATA = 64  # bytes


def utf16_units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram measures entities (and we measure limits)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def visible_text(
    params: dict[str, Any], *, entities_enabled: bool, allow_empty: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """The text and entities Telegram would store, or the error it would answer.

    ``entities_enabled=False`` refuses explicit entities as an older server would.
    """
    text = str(params.get("text", ""))
    mode, entities = params.get("parse_mode"), params.get("entities")
    if mode:
        text, checked = parse_markup(text, mode), []
    else:
        if entities and not entities_enabled:
            raise TelegramError(400, "Bad Request: can't parse entities: unsupported entity")
        checked = check_entities(text, entities)
    text = text.rstrip()  # Telegram trims the end of a message
    if not text.strip() and not allow_empty:
        raise TelegramError(400, "Bad Request: message text is empty")
    if utf16_units(text) > _MAX_UNITS:
        raise TelegramError(400, "Bad Request: message is too long")
    return text, clip(checked, utf16_units(text))


def parse_markup(text: str, mode: str) -> str:
    """The visible text of a ``parse_mode`` message (approximate; rejects unbalanced markup)."""
    if mode.lower() == "html":
        return _parse_html(text)
    open_markers: dict[str, int] = {}
    visible: list[str] = []
    position = 0
    for match in _MD_MARKERS.finditer(text):
        visible.append(text[position : match.start()])
        escaped, marker = match.group(1), match.group(2)
        if escaped is not None:
            visible.append(escaped)
        elif marker in open_markers:
            del open_markers[marker]
        else:
            open_markers[marker] = len(text[: match.start()].encode())
        position = match.end()
    visible.append(text[position:])
    if open_markers:
        offset = min(open_markers.values())
        raise TelegramError(
            400,
            "Bad Request: can't parse entities: Can't find end of the "
            f"entity starting at byte offset {offset}",
        )
    if mode.lower() == "markdownv2":
        bare = re.sub(r"\\.", "", text)
        for char in _MDV2_RESERVED:
            if char in bare:
                raise TelegramError(
                    400,
                    f"Bad Request: can't parse entities: Character '{char}' "
                    "is reserved and must be escaped with the preceding '\\'",
                )
    return "".join(visible)


def _parse_html(text: str) -> str:
    stack: list[str] = []
    for match in _HTML_TAG.finditer(text):
        closing, tag = match.group(1), match.group(2).lower()
        if not closing:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            raise _unclosed_tag(tag)
    if stack:
        raise _unclosed_tag(stack[-1])
    return html.unescape(_HTML_TAG.sub("", text))


def _unclosed_tag(tag: str) -> TelegramError:
    return TelegramError(
        400,
        "Bad Request: can't parse entities: Can't find end tag "
        f"corresponding to start tag {tag}",
    )


def check_entities(text: str, entities: Any) -> list[dict[str, Any]]:
    """Explicit entities as given, once each is known and lies inside ``text``."""
    if entities in (None, ""):
        return []
    if not isinstance(entities, list):
        raise TelegramError(400, "Bad Request: can't parse entities: entities must be an array")
    size = utf16_units(text)
    for entity in entities:
        kind, offset, length = entity.get("type"), entity.get("offset"), entity.get("length")
        if kind not in _ENTITY_TYPES or not isinstance(offset, int) or not isinstance(length, int):
            raise TelegramError(400, f"Bad Request: can't parse entities: bad entity {entity}")
        if offset < 0 or length <= 0 or offset + length > size:
            raise TelegramError(
                400,
                f"Bad Request: can't parse entities: entity beyond the end of the text: {entity}",
            )
    return list(entities)


def clip(entities: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """Entities cut to a text of ``size`` UTF-16 units (those left empty dropped)."""
    clipped = []
    for entity in entities:
        length = min(entity["offset"] + entity["length"], size) - entity["offset"]
        if length > 0:
            clipped.append({**entity, "length": length})
    return clipped


def check_markup(markup: Any) -> Any:
    """An inline keyboard as given, once Telegram would take it (button count, callback data)."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return markup
    rows = markup["inline_keyboard"]
    if sum(len(row) for row in rows) > _MAX_BUTTONS or any(len(row) > _MAX_ROW for row in rows):
        raise TelegramError(400, "Bad Request: reply markup is too long")
    for button in (button for row in rows for button in row):
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= _MAX_CALLBACK_DATA:
            raise TelegramError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup
