"""The context sent to providers: budget, order, groups, failed and retried turns."""

from __future__ import annotations

from bot.db import AttachmentKind, AttachmentRecord
from bot.services.context import ContextBudget, HistoryItem, build_context
from providers.messages import ChatMessage


def item(id: int, role: str, text: str, status: str = "complete", author: str | None = None,
         reply_to: int | None = None) -> HistoryItem:
    return HistoryItem(id=id, role=role, text=text, status=status, author_name=author,
                       reply_to_id=reply_to)


def build(history: list[HistoryItem], question_id: int | None = None, *,
          system_prompt: str | None = None, max_messages: int = 50, max_chars: int = 10_000,
          max_images: int = 4, group: bool = False) -> list[ChatMessage]:
    last_question = max(i.id for i in history if i.role == "user")
    turns = build_context(history, question_id or last_question, system_prompt=system_prompt,
                          budget=ContextBudget(max_messages, max_chars, max_images), group=group)
    return [turn.message for turn in turns]


def test_system_prompt_first_then_turns_in_order() -> None:
    history = [item(1, "user", "hi"), item(2, "assistant", "hello", reply_to=1),
               item(3, "user", "how are you?")]
    assert build(history, system_prompt="Be kind.") == [
        ChatMessage("system", "Be kind."), ChatMessage("user", "hi"),
        ChatMessage("assistant", "hello"), ChatMessage("user", "how are you?")]


def test_message_budget_keeps_the_newest() -> None:
    history = [item(i, "user", f"m{i}") if i % 2 else
               item(i, "assistant", f"m{i}", reply_to=i - 1) for i in range(1, 12)]
    assert [m.content for m in build(history, max_messages=3)] == ["m9", "m10", "m11"]
    # m8, an answer, may not open the conversation.
    assert [m.content for m in build(history, max_messages=4)] == ["m9", "m10", "m11"]


def test_char_budget_keeps_the_newest_and_the_question_whole() -> None:
    history = [item(1, "user", "a" * 50), item(2, "assistant", "b" * 50, reply_to=1),
               item(3, "user", "c" * 30)]
    assert [m.content for m in build(history, max_chars=90)] == ["c" * 30]
    # A question longer than the budget (a long document) is sent whole, alone.
    history.append(item(4, "user", "x" * 100))
    assert build(history, max_chars=10) == [ChatMessage("user", "x" * 100)]


def photo(file_id: str) -> AttachmentRecord:
    return AttachmentRecord(AttachmentKind.PHOTO, file_id)


def test_photos_of_the_newest_turns_are_sent_again_older_ones_become_markers() -> None:
    history = [HistoryItem(1, "user", "", "complete", photos=(photo("a"),)),
               item(2, "assistant", "a cat", reply_to=1),
               HistoryItem(3, "user", "and these?", "complete", photos=(photo("b"), photo("c"))),
               item(4, "assistant", "two dogs", reply_to=3),
               HistoryItem(5, "user", "this one?", "complete", photos=(photo("d"),))]
    turns = build_context(history, 5, system_prompt=None, budget=ContextBudget(50, 10_000, 2),
                          group=False)
    assert [(t.message.content, [p.file_id for p in t.photos]) for t in turns] == [
        ("[image]", []), ("a cat", []), ("and these?", ["b", "c"]), ("two dogs", []),
        ("this one?", ["d"])]
    none = build_context(history, 5, system_prompt=None, budget=ContextBudget(50, 10_000, 0),
                         group=False)
    assert [(t.message.content, [p.file_id for p in t.photos]) for t in none] == [
        ("[image]", []), ("a cat", []), ("and these? [image] [image]", []), ("two dogs", []),
        ("this one?", ["d"])]  # the question's own photo is always sent


def test_failed_answers_are_skipped_and_partial_ones_kept() -> None:
    history = [item(1, "user", "q1"), item(2, "assistant", "", "failed", reply_to=1),
               item(3, "user", "q2"), item(4, "assistant", "half an ans", "stopped", reply_to=3),
               item(5, "user", "q3")]
    assert [m.content for m in build(history)] == ["q1", "q2", "half an ans", "q3"]


def test_retried_answer_replaces_the_earlier_one() -> None:
    history = [item(1, "user", "q"), item(2, "assistant", "first try", reply_to=1),
               item(3, "assistant", "second try", reply_to=1), item(4, "user", "next")]
    assert [m.content for m in build(history)] == ["q", "second try", "next"]


def test_group_turns_carry_their_authors() -> None:
    history = [item(1, "user", "hi", author="Ann"), item(2, "assistant", "hey", reply_to=1),
               item(3, "user", "me too", author="Bob")]
    assert [m.content for m in build(history, group=True)] == ["Ann: hi", "hey", "Bob: me too"]


def test_a_retried_question_ends_the_context_without_its_old_answer() -> None:
    history = [item(1, "user", "q1"), item(2, "assistant", "a1", reply_to=1),
               item(3, "user", "q2"), item(4, "assistant", "old a2", reply_to=3)]
    assert [m.content for m in build(history, question_id=3)] == ["q1", "a1", "q2"]


def test_questions_waiting_their_turn_stay_out_of_an_earlier_answer() -> None:
    # q2 arrived before q1's answer began: rows are q1, q2, a1 (placeholder later).
    history = [item(1, "user", "q1"), item(2, "user", "q2"),
               item(3, "assistant", "a1", reply_to=1)]
    assert [m.content for m in build(history, question_id=1)] == ["q1"]
    assert [m.content for m in build(history, question_id=2)] == ["q1", "a1", "q2"]
