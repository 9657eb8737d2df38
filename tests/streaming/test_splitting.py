"""Splitting long answers: limits in UTF-16 units, good cut points, code fences kept balanced."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.streaming.splitting import Part, split_parts, utf16_len

# CommonMark: a fence is 3+ backticks (info without backticks) or 3+ tildes, indented < 4.
_FENCE_LINE = re.compile(r" {0,3}(?:(?P<marker>`{3,})[^`]*|(?P<tildes>~{3,}).*)")


def open_fence_at_end(text: str) -> str | None:
    """An independent fence scanner: the opening line still open at the end of ``text``."""
    opening: str | None = None
    marker = ""
    for line in text.split("\n"):
        match = _FENCE_LINE.fullmatch(line)
        if match is None:
            continue
        found = match.group("marker") or match.group("tildes")
        if opening is None:
            opening, marker = line, found
        elif found[0] == marker[0] and len(found) >= len(marker) and line.strip() == found:
            opening = None
    return opening


def texts(parts: list[Part], answer: str) -> list[str]:
    return [part.text(answer) for part in parts]


# Building blocks of awkward answers: prose, long unbroken lines, emoji (surrogate pairs,
# ZWJ sequences, flags, skin tones), combining accents, and fenced code blocks.
_word = st.sampled_from(
    ["word", "longerword", "Привет", "😀", "👩‍💻", "🇺🇦", "👍🏽", "e\u0301", "x" * 90, "1.", "-"]
)
_line = st.lists(_word, min_size=1, max_size=25).map(" ".join)
_unbroken = st.integers(min_value=50, max_value=400).map(lambda n: "z" * n)
_emoji_run = st.integers(min_value=10, max_value=200).map(lambda n: "😀" * n)


@st.composite
def _code_block(draw: st.DrawFn) -> str:
    fence = draw(st.sampled_from(["```", "````", "~~~"]))
    language = draw(st.sampled_from(["", "python", "js"]))
    body = draw(st.lists(st.one_of(_line, _unbroken), min_size=0, max_size=12))
    return "\n".join([fence + language, *body, fence])


_block = st.one_of(_line, _unbroken, _emoji_run, _code_block())
_answer = st.lists(
    st.tuples(_block, st.sampled_from(["\n", "\n\n", " "])), min_size=1, max_size=30
).map(lambda blocks: "".join(block + sep for block, sep in blocks))


@settings(max_examples=150, deadline=None)
@given(answer=_answer, limit=st.integers(min_value=64, max_value=700))
def test_every_part_fits_and_nothing_is_lost(answer: str, limit: int) -> None:
    parts = split_parts(answer, limit)
    assert "".join(answer[p.start : p.end] for p in parts) == answer
    for part in parts:
        assert utf16_len(part.text(answer)) <= limit
        part.text(answer).encode("utf-16-le")  # strict: no half of a surrogate pair


@settings(max_examples=150, deadline=None)
@given(answer=_answer, limit=st.integers(min_value=64, max_value=700))
def test_code_fences_are_balanced_in_every_part(answer: str, limit: int) -> None:
    # The last part holds the end of the answer: it is as balanced as the answer was.
    for part in split_parts(answer, limit)[:-1]:
        assert open_fence_at_end(part.text(answer)) is None, part


@settings(max_examples=150, deadline=None)
@given(answer=_answer, limit=st.integers(min_value=64, max_value=700), data=st.data())
def test_cuts_never_move_as_the_text_grows(answer: str, limit: int, data: st.DataObject) -> None:
    """The streamed parts are the final parts: a prefix's closed parts are the whole's."""
    cut = data.draw(st.integers(min_value=0, max_value=len(answer)))
    early = split_parts(answer[:cut], limit)[:-1]
    assert split_parts(answer, limit)[: len(early)] == early


@settings(max_examples=150, deadline=None)
@given(answer=_answer, limit=st.integers(min_value=64, max_value=700))
def test_no_cut_splits_a_visible_character(answer: str, limit: int) -> None:
    for part in split_parts(answer, limit)[1:]:
        before, after = answer[part.start - 1], answer[part.start]
        assert before != "\u200d"
        assert after not in ("\u200d", "\u0301", "\ufe0f")
        assert not "\U0001f3fb" <= after <= "\U0001f3ff"


def test_prefers_paragraphs_then_lines_then_spaces() -> None:
    paragraph = "alpha beta gamma delta. " * 4
    answer = f"{paragraph}\n\n{paragraph}\nline two {paragraph}"
    parts = split_parts(answer, 150)
    assert answer[parts[0].start : parts[0].end].endswith("\n\n")
    assert answer[parts[1].start : parts[1].end].endswith("\n")
    spaced = "word " * 100
    assert all(spaced[p.start : p.end].endswith(" ") for p in split_parts(spaced, 64)[:-1])


def test_hard_cut_when_there_is_no_space() -> None:
    parts = split_parts("x" * 200, 64)
    assert [p.end - p.start for p in parts] == [64, 64, 64, 8]


def test_emoji_count_twice() -> None:
    parts = split_parts("😀" * 100, 64)
    assert [p.end - p.start for p in parts] == [32, 32, 32, 4]


def test_a_cut_code_block_is_closed_and_reopened_with_its_language() -> None:
    code = "\n".join(f"print({i})  # line" for i in range(30))
    answer = f"Here:\n\n```python\n{code}\n```\n\nDone."
    parts = split_parts(answer, 200)
    assert len(parts) > 2
    first, second = texts(parts, answer)[:2]
    assert first.endswith("\n```")
    assert second.startswith("```python\nprint(")
    assert texts(parts, answer)[-1].endswith("```\n\nDone.")


def test_a_cut_right_after_an_opening_fence_moves_the_whole_block() -> None:
    answer = "a" * 50 + "\n```python\n" + "b" * 100 + "\n```\n"
    first = split_parts(answer, 64)[0]
    assert answer[first.start : first.end] == "a" * 50 + "\n"
    assert first.suffix == ""


def test_short_text_is_one_part() -> None:
    assert split_parts("Hello", 64) == [Part(0, 5)]
    assert split_parts("", 64) == [Part(0, 0)]


_ODD = ["`", "~", "\n", " ", "x", "👍", "\U0001F3FD", "\u0301"]
_PATHOLOGICAL = st.text(alphabet=st.sampled_from(_ODD), min_size=1, max_size=30_000)


@settings(max_examples=60, deadline=None)
@given(_PATHOLOGICAL)
def test_odd_text_never_needs_many_messages(text: str) -> None:
    """Backticks, fences and no breaks at all: never more than ~one message per 3,000 units."""
    parts = split_parts(text, 4000)
    assert len(parts) <= utf16_len(text) // 3000 + 2
    assert "".join(text[p.start:p.end] for p in parts) == text
