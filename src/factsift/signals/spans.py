"""Building spans that point exactly into the article: ``source[start:end] == span.text`` always."""

from __future__ import annotations

from typing import Literal

from factsift.model import Span


def make_span(
    source: str, start: int, end: int, *, field: Literal["text", "title"] = "text", note: str | None = None
) -> Span:
    """A span over ``source[start:end]``, trimmed of surrounding whitespace and punctuation."""
    while start < end and (source[start].isspace() or source[start] in ",;:"):
        start += 1
    while end > start and (source[end - 1].isspace() or source[end - 1] in ",;:"):
        end -= 1
    return Span(start=start, end=end, text=source[start:end], field=field, note=note)
