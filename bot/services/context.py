"""Building the context sent to a provider from a chat's stored history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from providers.messages import ChatMessage


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One stored turn, as the context builder needs it."""

    id: int
    role: str  # "user" | "assistant"
    text: str
    status: str
    author_name: str | None = None
    reply_to_id: int | None = None


def build_context(
    history: Sequence[HistoryItem],
    question_id: int,
    *,
    system_prompt: str | None,
    max_messages: int,
    max_chars: int,
    group: bool,
) -> list[ChatMessage]:
    """The system prompt plus the newest turns that fit the budget, oldest first.

    The conversation ends with question ``question_id``: later questions (still
    waiting their turn) and answers to it or to them (a /retry) are left out.
    Failed answers (no text), questions turned away as busy or not taken up
    yet, and answers superseded by a later /retry are left out too; stopped
    or interrupted answers keep their partial text. In groups each user turn
    carries its author's name so the model can tell
    people apart. The newest turn is always kept, cut to the budget if needed.
    """
    turns = _usable(sorted((item for item in history if _before(item, question_id)),
                           key=_conversation_order), question_id)
    chosen: list[ChatMessage] = []
    budget = max_chars
    for item in reversed(turns[-max_messages:]):
        content = item.text
        if group and item.role == "user" and item.author_name:
            content = f"{item.author_name}: {content}"
        if len(content) > budget:
            if not chosen:
                chosen.append(ChatMessage("user" if item.role == "user" else "assistant",
                                          content[-budget:]))
            break
        budget -= len(content)
        chosen.append(ChatMessage("user" if item.role == "user" else "assistant", content))
    chosen.reverse()
    # Many servers refuse a conversation that opens with the assistant.
    while chosen and chosen[0].role == "assistant":
        chosen.pop(0)
    if system_prompt:
        chosen.insert(0, ChatMessage("system", system_prompt))
    return chosen


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
        if not item.text.strip() or (item.status in _LEFT_OUT and item.id != question_id):
            continue
        if item.role == "assistant" and item.reply_to_id is not None \
                and latest_answer[item.reply_to_id] != item.id:
            continue  # superseded by a /retry
        usable.append(item)
    return usable
