"""The final look of an answer part: Markdown rendered to text + entities, or plain text."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import telegramify_markdown
from aiogram.types import MessageEntity

from bot.streaming.config import TELEGRAM_TEXT_LIMIT
from bot.streaming.splitting import utf16_len

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rendered:
    """Text as Telegram will show it; ``entities`` None means plain text."""

    text: str
    entities: list[MessageEntity] | None = None

    def key(self) -> tuple[str, tuple[tuple[str, int, int], ...]]:
        """What Telegram compares to decide "message is not modified" (it trims the end)."""
        spans = tuple((e.type, e.offset, e.length) for e in self.entities or ())
        return self.text.rstrip(), spans


def plain(markdown: str) -> Rendered:
    """The text as it was written, trimmed as Telegram trims it."""
    return Rendered(markdown.strip())


def _trim_end(text: str, entities: list[MessageEntity]) -> tuple[str, list[MessageEntity]]:
    """Drop trailing whitespace (Telegram does) and clip the entities that reached into it."""
    trimmed = text.rstrip()
    limit = utf16_len(trimmed)
    kept: list[MessageEntity] = []
    for entity in entities:
        length = min(entity.offset + entity.length, limit) - entity.offset
        if length > 0:
            kept.append(entity.model_copy(update={"length": length}))
    return trimmed, kept


def render_markdown(markdown: str) -> Rendered:
    """Render one part's Markdown with entities; fall back to plain text when that fails.

    The fallback also covers a rendering that no longer fits one message
    (tables are padded, headings gain a symbol): the part was cut to fit as
    Markdown, and keeping it as one message keeps the answer's messages in order.
    """
    if not markdown.strip():
        return plain(markdown)
    try:
        text, raw_entities = telegramify_markdown.convert(markdown)
    except Exception:  # a third-party renderer must never cost the user the answer
        log.warning("markdown rendering failed; sending plain text", exc_info=True)
        return plain(markdown)
    entities = [MessageEntity.model_validate(e.to_dict()) for e in raw_entities]
    text, entities = _trim_end(text, entities)
    if not text.strip() or utf16_len(text) > TELEGRAM_TEXT_LIMIT:
        return plain(markdown)
    return Rendered(text, entities or None)


def with_footer(last: Rendered, footer: str | None) -> list[Rendered]:
    """The last part with ``footer`` as a final plain line (a message of its own if too long)."""
    footer = (footer or "").strip()
    if not footer:
        return [last]
    if not last.text.strip():
        return [Rendered(footer)]
    joined = f"{last.text}\n\n{footer}"
    if utf16_len(joined) <= TELEGRAM_TEXT_LIMIT:
        return [Rendered(joined, last.entities)]
    return [last, Rendered(footer)]


# Below this many units a collapsed reasoning would say nothing useful: leave it out.
_REASONING_MIN = 80


def with_reasoning(first: Rendered, reasoning: str | None) -> Rendered:
    """``first`` preceded by ``reasoning`` in a collapsed (expandable) quote, cut to fit.

    The quote keeps the reasoning's end (closest to the answer), behind an ellipsis.
    """
    reasoning = (reasoning or "").strip()
    budget = TELEGRAM_TEXT_LIMIT - utf16_len(first.text) - 2
    if not reasoning or budget < _REASONING_MIN:
        return first
    if utf16_len(reasoning) > budget:
        reasoning = "…" + _tail_within(reasoning, budget - 1)
    quote_units = utf16_len(reasoning)
    quote = MessageEntity(type="expandable_blockquote", offset=0, length=quote_units)
    shift = quote_units + 2
    moved = [e.model_copy(update={"offset": e.offset + shift}) for e in first.entities or ()]
    return Rendered(f"{reasoning}\n\n{first.text}", [quote, *moved])


def _tail_within(text: str, units: int) -> str:
    """The longest end of ``text`` within ``units`` UTF-16 units (surrogates kept whole)."""
    start, taken = len(text), 0
    while start > 0:
        cost = 2 if ord(text[start - 1]) > 0xFFFF else 1
        if taken + cost > units:
            break
        start, taken = start - 1, taken + cost
    return text[start:]
