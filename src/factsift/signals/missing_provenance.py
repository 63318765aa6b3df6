"""Missing provenance: what a reader would need to trace the story, and does not get.

Four checks, each reported by name in ``details["missing"]``:

* ``author`` — no byline;
* ``date`` — no publication date;
* ``documents`` — no outbound link written in the text and no named document or data source
  ("a Pentagon statement", "a report by the Congressional Budget Office", "court records");
* ``number_sources`` — figures ("more than 30 attacks", "22 strikes") in sentences with no named
  speaker, document or link behind them.  Each such figure is a span.
"""

from __future__ import annotations

import bisect
import re

from factsift.model import Article, Signal
from factsift.signals.attribution import cached_attributions
from factsift.signals.candidates import finditer_at, literal_starts, lowered, word_group, word_starts
from factsift.signals.registry import SignalContext, signal
from factsift.signals.spans import make_span

NAME = "missing_provenance"
WEIGHTS = {"author": 0.2, "date": 0.2, "documents": 0.25, "number_sources": 0.35}
#: Unsourced figures at which the figures check counts in full.
FIGURES_FOR_FULL_WEIGHT = 3

_LINK = re.compile(r"https?://\S+|\bwww\.[\w-]+\.\w+", re.IGNORECASE)
#: The same on lower-cased text, opening with its first letter so the search jumps from one "h" or "w" to the next
#: ("w(?<!\\ww)" is "\\bw").
_LINK_LOWERED = re.compile(r"https?://\S+|w(?<!\ww)ww\.[\w-]+\.\w+")
_DOC = (
    r"(?:report|study|statement|survey|poll|memo|memorandum|filing|lawsuit|complaint|indictment|transcript"
    r"|press\s+release|letter|documents?|data|figures|statistics|records|audit|analysis|paper|ruling|testimony"
    r"|tweet|video|interview|database|census|budget|assessment|briefing|order)"
)
_CAP = r"[A-Z][\w.’'&-]*"
_NAMED_DOCUMENT = re.compile(
    rf"\b(?:a|an|the|its|his|her|their)\s+(?:\d{{4}}\s+)?(?:{_CAP}[^\S\n]+){{1,5}}{_DOC}\b"
    rf"|\b{_DOC}\s+(?:by|from|of|released\s+by|published\s+by|issued\s+by|obtained\s+by|seen\s+by|filed\s+by"
    rf"|compiled\s+by|published\s+in)\s+(?:the\s+)?{_CAP}"
    r"|\bin\s+a\s+(?:written\s+)?statement\b|\bpress\s+release\b"
    r"|\bcourt\s+(?:documents|records|filings?|papers)\b|\bpublic\s+records\b"
    r"|\b(?:published|reported)\s+(?:in|by)\s+(?:the\s+)?[A-Z]"
)
#: Where a named document can start: a determiner, a document word, or the first word of another branch.
_NAMED_DOCUMENT_STARTS = word_group(
    [
        *(f"{word} " for word in ("a", "an", "the", "its", "his", "her", "their", "in", "press", "court", "public")),
        *(f"{word} " for word in ("published", "reported")),
        *literal_starts(_DOC),
    ]
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_SMALL = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|a\s+dozen)"
_QUALIFIER = (
    r"(?i:(?:more|fewer|less)\s+than\s+|at\s+least\s+|nearly\s+|almost\s+|about\s+|over\s+|up\s+to\s+"
    r"|roughly\s+|around\s+|some\s+|an\s+estimated\s+)?"
)
_STOP = r"(?:of|in|on|at|to|the|a|an|and|or|for|from|by|with|as|was|were|is|are|per|percent|million|billion)"
_NOUN = rf"(?:[^\S\n]+(?!{_STOP}\b)[a-z][a-z-]*){{1,2}}"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_FIGURE = re.compile(
    rf"(?<![\w.,/:-]){_QUALIFIER}(?:[$£€]\s?)?(?P<num>{_NUMBER})(?![\w:/-])"
    rf"(?:[^\S\n]*(?:%|percent|per\s+cent)|[^\S\n]+(?:million|billion|trillion|thousand|hundred))?(?:{_NOUN})?"
    rf"|(?<![\w-]){_QUALIFIER}(?i:{_SMALL}|dozens|hundreds|thousands|millions|billions)(?:[^\S\n]+of)?{_NOUN}"
)
#: Where a figure can start: a qualifier ("more than"), a currency sign, a digit or a number word.
_FIGURE_STARTS = word_group(
    [
        *(f"{word} " for word in ("more", "fewer", "less", "at", "nearly", "almost", "about", "over", "up", "roughly")),
        *(f"{word} " for word in ("around", "some", "an", "a dozen", "dozens", "hundreds")),
        *(f"{word} " for word in literal_starts(_SMALL) if word != "a"),  # its "a\s+dozen" is just above
        *(f"{word} " for word in ("thousands", "millions", "billions")),
    ],
    digits=True,
)  # fmt: skip
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
#: A year-like number followed by one of these is an amount ("2000 percent", "2020 million"), not a year.
_NOT_A_YEAR = ("%", "percent", "million", "billion")
_TIME_AFTER = re.compile(r"^[^\S\n]*(?:a\.?m\.?|p\.?m\.?)(?!\w)", re.IGNORECASE)
_DATE_BEFORE = re.compile(rf"(?i:{_MONTHS})[^\S\n]*$|(?i:{_MONTHS})[^\S\n]+\d{{1,2}},?[^\S\n]*$")
_DATE_AFTER = re.compile(rf"^[^\S\n]*(?i:{_MONTHS})(?![a-z])")


def _figures(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for match in finditer_at(_FIGURE, text, word_starts(_FIGURE_STARTS, text)):
        number = match.group("num")
        if number is not None:
            if _YEAR.match(number) and not any(word in match.group(0) for word in _NOT_A_YEAR):
                continue
            before = text[max(0, match.start() - 16) : match.start()]
            after = text[match.end("num") : match.end("num") + 12]
            if _DATE_BEFORE.search(before) or _DATE_AFTER.match(after) or _TIME_AFTER.match(after):
                continue
        found.append((match.start(), match.end()))
    return found


def _link_ranges(text: str) -> list[tuple[int, int]]:
    """Where ``text`` writes a link (``_LINK``'s matches, found on the lower-cased text when it can be)."""
    low = lowered(text)
    return [m.span() for m in (_LINK.finditer(text) if low is None else _LINK_LOWERED.finditer(low))]


@signal(NAME, "No author, no date, no links or named documents, and figures given without a source.")
def missing_provenance(article: Article, context: SignalContext | None = None) -> Signal:
    """Check byline, date, documents and the sourcing of each figure; score by what is missing."""
    text = article.text
    missing: list[str] = []
    if not (article.author or "").strip():
        missing.append("author")
    if not (article.published or "").strip():
        missing.append("date")
    document_starts = word_starts(_NAMED_DOCUMENT_STARTS, text)
    document_ranges = [m.span() for m in finditer_at(_NAMED_DOCUMENT, text, document_starts)]
    document_ranges += _link_ranges(text)
    documents = len(document_ranges)
    if documents == 0:
        missing.append("documents")
    named = [(a.start, a.end) for a in cached_attributions(text, article.outlet.name) if a.kind == "named"]
    sourced_ranges = named + document_ranges
    sentences = article.sentences or []
    figures = _figures(text)
    unsourced: list[tuple[int, int]] = []
    sentence_starts = [s.start for s in sentences]
    sourced_starts = sorted(start for start, _ in sourced_ranges)
    for start, end in figures:
        index = bisect.bisect_right(sentence_starts, start) - 1
        sentence = sentences[index] if index >= 0 and start < sentences[index].end else None
        lo, hi = (sentence.start, sentence.end) if sentence else (max(0, start - 200), min(len(text), end + 200))
        first = bisect.bisect_left(sourced_starts, lo)
        if first >= len(sourced_starts) or sourced_starts[first] >= hi:
            unsourced.append((start, end))
    share = len(unsourced) / len(figures) if figures else 0.0
    if unsourced:
        missing.append("number_sources")
    score = sum(WEIGHTS[m] for m in missing if m != "number_sources")
    if unsourced:
        score += WEIGHTS["number_sources"] * share * min(1.0, len(unsourced) / FIGURES_FOR_FULL_WEIGHT)
    spans = [make_span(text, s, e, note="figure without a named source") for s, e in unsourced]
    labels = {
        "author": "no author",
        "date": "no date",
        "documents": "no links or named documents",
        "number_sources": f"{len(unsourced)} of {len(figures)} figure(s) without a named source",
    }
    explanation = (
        "Missing: " + "; ".join(labels[m] for m in missing) + "."
        if missing
        else "Author, date and sources for its figures are given."
    )
    return Signal(
        name=NAME,
        score=round(min(1.0, score), 4),
        explanation=explanation,
        spans=spans,
        details={
            "missing": missing,
            "author": article.author,
            "published": article.published,
            "documents_and_links": documents,
            "figures": len(figures),
            "unsourced_figures": len(unsourced),
        },
    )
