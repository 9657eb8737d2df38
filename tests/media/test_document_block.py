"""Rendering a document as a question part: name, fenced text, the truncation note."""

from __future__ import annotations

import re

from bot.media.documents import ExtractedDocument, document_block


def doc(text: str, *, truncated: bool = False, name: str = "notes.md") -> ExtractedDocument:
    return ExtractedDocument(name=name, text=text, truncated=truncated, kind="text")


def fenced_body(block: str) -> tuple[str, str]:
    """The fence and the text between the first fence line and its closing twin."""
    lines = block.split("\n")
    fence = lines[1]
    end = lines.index(fence, 2)
    return fence, "\n".join(lines[2:end])


def test_the_name_and_the_text_in_a_fence() -> None:
    assert document_block(doc("hello\nworld"), note="(cut)") == (
        "File: notes.md\n```\nhello\nworld\n```"
    )


def test_a_file_holding_fences_cannot_break_out() -> None:
    text = "before\n```\n# not the end\n`````python\nx = 1\n`````\nafter ``inline``"
    block = document_block(doc(text), note=None)
    fence, body = fenced_body(block)
    assert fence == "``````"  # one longer than the longest run inside
    assert body == text
    assert block.endswith("\n" + fence)
    longest_inside = max(len(run) for run in re.findall("`+", text))
    assert len(fence) > longest_inside


def test_the_note_follows_only_a_cut_text() -> None:
    cut = document_block(doc("abc", truncated=True), note="[The file was cut at 3 characters]")
    assert cut == "File: notes.md\n```\nabc\n```\n[The file was cut at 3 characters]"
    assert document_block(doc("abc", truncated=True), note=None).endswith("```")
    assert "cut" not in document_block(doc("abc"), note="[cut]")


def test_a_trailing_newline_is_not_doubled_and_names_stay_on_one_line() -> None:
    block = document_block(doc("line\n", name="evil\nname\r.txt"), note=None)
    assert block == "File: evil name .txt\n```\nline\n```"
