"""Cut a text into segments so every span (signal, claim, ...) can be highlighted in place.

Spans may overlap or nest: the text is cut at every span boundary, and each segment carries all
the marks that cover it.  Invalid spans (outside the text, empty, reversed) are dropped rather
than breaking the page, and offsets never shift the text: joining the segments gives it back.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mark:
    """One highlighted span and why it is highlighted."""

    id: str
    kind: str  # "signal" or "claim"
    name: str  # signal name, or "claim"
    label: str
    explanation: str
    start: int
    end: int
    css: str = ""
    quote: str = ""


@dataclass
class Segment:
    """A run of text covered by the same marks (none for plain text)."""

    text: str
    marks: list[Mark] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        return {mark.kind for mark in self.marks}

    @property
    def mark_ids(self) -> str:
        return " ".join(mark.id for mark in self.marks)

    @property
    def tooltip(self) -> str:
        return "\n".join(f"{mark.label}: {mark.explanation}" if mark.explanation else mark.label for mark in self.marks)

    @property
    def css(self) -> str:
        classes = {"hl"} | {f"hl-{kind}" for kind in self.kinds} | {mark.css for mark in self.marks if mark.css}
        if sum(1 for mark in self.marks if mark.kind == "signal") > 1:
            classes.add("hl-multi")
        return " ".join(sorted(classes))


def valid_marks(text: str, marks: list[Mark]) -> list[Mark]:
    """The marks whose ranges lie inside ``text`` and are not empty."""
    return [mark for mark in marks if 0 <= mark.start < mark.end <= len(text)]


def segments(text: str, marks: list[Mark]) -> list[Segment]:
    """Split ``text`` at every mark boundary; each segment lists the marks covering it, shortest first.

    One sweep over the sorted boundaries (marks open and close as it passes them), so the work is
    O(n log n) in the marks plus the size of the output, not marks × segments.
    """
    usable = valid_marks(text, marks)
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for number, mark in enumerate(usable):
        opening.setdefault(mark.start, []).append(number)
        closing.setdefault(mark.end, []).append(number)
    cuts = sorted({0, len(text)} | opening.keys() | closing.keys())
    active: dict[int, Mark] = {}
    result: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        for number in closing.get(start, ()):
            del active[number]
        for number in opening.get(start, ()):
            active[number] = usable[number]
        covering = list(active.values())
        if len(covering) > 1:
            covering.sort(key=lambda mark: (mark.end - mark.start, mark.id))
        if result and not covering and not result[-1].marks:
            result[-1].text += text[start:end]
        else:
            result.append(Segment(text=text[start:end], marks=covering))
    return result
