"""Building the context sent to a provider from a chat's stored history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.db import AttachmentRecord
from providers.messages import IMAGE_MARKER, ChatMessage, Role


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One stored turn, as the context builder needs it."""

    id: int
    role: str  # "user" | "assistant"
    text: str
    status: str
    author_name: str | None = None
    reply_to_id: int | None = None
    photos: tuple[AttachmentRecord, ...] = ()
    documents: tuple[str, ...] = ()  # each a block: the file's name and its text, fenced
    heard: tuple[str, ...] = ()  # transcripts of recordings: what the user said

    @property
    def words(self) -> str:
        """The turn's text: documents first, then what was written, then what was said."""
        return "\n\n".join(part for part in (*self.documents, self.text, *self.heard)
                             if part.strip())


@dataclass(frozen=True, slots=True)
class ContextTurn:
    """A turn of the context: its text, and the photos still to be fetched for it."""

    message: ChatMessage
    photos: tuple[AttachmentRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class ContextBudget:
    """How much history goes into one request."""

    max_messages: int
    max_chars: int
    max_images: int = 4  # turns whose photos are sent again (HISTORY_MAX_IMAGES)


def build_context(
    history: Sequence[HistoryItem],
    question_id: int,
    *,
    system_prompt: str | None,
    budget: ContextBudget,
    group: bool,
) -> list[ContextTurn]:
    """The system prompt plus the newest turns that fit the budget, oldest first.

    The conversation ends with question ``question_id``: later questions (still
    waiting their turn) and answers to it or to them (a /retry) are left out.
    Failed answers (no text), questions turned away as busy or not taken up
    yet, and answers superseded by a later /retry are left out too; stopped
    or interrupted answers keep their partial text. In groups each user turn
    carries its author's name so the model can tell people apart. The
    question itself is always kept whole (a document may be long), with its
    photos; earlier turns fill what is left of the budget. Photos of the
    newest ``max_images`` turns that have any are sent (again); older ones
    become a marker.
    """
    turns = _usable(sorted((item for item in history if _before(item, question_id)),
                           key=_conversation_order), question_id)
    chosen: list[HistoryItem] = []
    left = budget.max_chars
    for item in reversed(turns[-budget.max_messages:]):
        size = len(_content(item, group))
        if size > left and chosen:
            break
        left -= size
        chosen.append(item)
    chosen.reverse()
    # Many servers refuse a conversation that opens with the assistant.
    while chosen and chosen[0].role == "assistant":
        chosen.pop(0)
    photo_turns = [item.id for item in chosen if item.photos]
    newest = photo_turns[-budget.max_images:] if budget.max_images else []
    with_photos = {question_id, *newest}  # the question always brings its own photos
    context = [_turn(item, group, keep_photos=item.id in with_photos) for item in chosen]
    if system_prompt:
        context.insert(0, ContextTurn(ChatMessage("system", system_prompt)))
    return context


def _content(item: HistoryItem, group: bool) -> str:
    if group and item.role == "user" and item.author_name:
        return f"{item.author_name}: {item.words}"
    return item.words


def _turn(item: HistoryItem, group: bool, *, keep_photos: bool) -> ContextTurn:
    role: Role = "user" if item.role == "user" else "assistant"
    content = _content(item, group)
    if item.photos and not keep_photos:
        content = " ".join([content, *[IMAGE_MARKER] * len(item.photos)]).strip()
    return ContextTurn(ChatMessage(role, content), item.photos if keep_photos else ())


# Failed answers; questions turned away as busy or not taken up yet.
_LEFT_OUT = frozenset({"failed", "declined", "pending"})


def _before(item: HistoryItem, question_id: int) -> bool:
    if item.role == "user" or item.reply_to_id is None:
        return item.id <= question_id
    return item.reply_to_id < question_id


def _conversation_order(item: HistoryItem) -> tuple[int, int, int]:
    # An answer goes right after its question, even when another question was stored first.
    if item.role == "assistant" and item.reply_to_id is not None:
        return (item.reply_to_id, 1, item.id)
    return (item.id, 0, item.id)


def _usable(history: Sequence[HistoryItem], question_id: int) -> list[HistoryItem]:
    latest_answer: dict[int, int] = {}
    for item in history:
        if item.role == "assistant" and item.reply_to_id is not None:
            latest_answer[item.reply_to_id] = item.id
    usable: list[HistoryItem] = []
    for item in history:
        if not (item.words.strip() or item.photos):
            continue
        if item.status in _LEFT_OUT and item.id != question_id:
            continue
        if item.role == "assistant" and item.reply_to_id is not None \
                and latest_answer[item.reply_to_id] != item.id:
            continue  # superseded by a /retry
        usable.append(item)
    return usable
