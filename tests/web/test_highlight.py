"""Highlight segmentation: overlapping spans, bad spans, and the text always coming back intact."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from factsift.web.highlight import Mark, segments


def mark(index: int, start: int, end: int, kind: str = "signal") -> Mark:
    return Mark(id=f"m{index}", kind=kind, name="n", label="L", explanation="why", start=start, end=end)


def test_no_marks_is_one_plain_segment() -> None:
    (only,) = segments("plain text", [])
    assert only.text == "plain text" and only.marks == []


def test_overlapping_marks_split_into_covered_runs() -> None:
    text = "abcdefghij"
    parts = segments(text, [mark(0, 1, 6), mark(1, 4, 9, kind="claim")])
    assert [(p.text, p.mark_ids) for p in parts] == [
        ("a", ""),
        ("bcd", "m0"),
        ("ef", "m0 m1"),
        ("ghi", "m1"),
        ("j", ""),
    ]
    assert parts[2].kinds == {"signal", "claim"}
    assert "hl-claim" in parts[2].css and "hl-signal" in parts[2].css


def test_nested_marks_list_the_innermost_first() -> None:
    parts = segments("0123456789", [mark(0, 0, 10), mark(1, 3, 5)])
    inner = next(p for p in parts if p.text == "34")
    assert [m.id for m in inner.marks] == ["m1", "m0"]
    assert "hl-multi" in inner.css


def test_invalid_marks_are_dropped() -> None:
    parts = segments("short", [mark(0, 3, 2), mark(1, 2, 2), mark(2, -1, 3), mark(3, 2, 99)])
    assert [(p.text, p.marks) for p in parts] == [("short", [])]


def test_tooltip_lists_every_reason() -> None:
    parts = segments("abc", [mark(0, 0, 3), Mark("m1", "claim", "claim", "Claim", "", 0, 3)])
    assert parts[0].tooltip == "L: why\nClaim"


@given(
    st.text(min_size=0, max_size=60),
    st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=8),
)
def test_segments_rebuild_the_text_and_cover_exactly(text: str, ranges: list[tuple[int, int]]) -> None:
    marks = [mark(i, a, b) for i, (a, b) in enumerate(ranges)]
    parts = segments(text, marks)
    assert "".join(p.text for p in parts) == text
    position = 0
    for part in parts:
        for offset in range(position, position + len(part.text)):
            expected = {m.id for m in marks if 0 <= m.start < m.end <= len(text) and m.start <= offset < m.end}
            assert {m.id for m in part.marks} == expected
        position += len(part.text)
