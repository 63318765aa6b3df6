"""Loaded and emotive language: how often the writing reaches for words that push emotion.

Counts hits from the documented lexicon (:mod:`factsift.signals.loaded_lexicon`) per 100 words
and turns the rate into a score with numbers derived from real news articles
(``data/calibration.json``, made by :mod:`factsift.signals.calibration`): the
median real article scores 0, one at the real articles' 90th percentile scores 0.5, and the
score approaches 1 as the rate keeps climbing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from factsift.model import Article, Signal, Span
from factsift.signals import loaded_lexicon as lex
from factsift.signals.registry import SignalContext, signal
from factsift.signals.reported_speech import outside, reported_ranges
from factsift.signals.shipped_calibration import calibration, percentile_score
from factsift.signals.spans import make_span

NAME = "loaded_language"
_WORDS = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class Hit:
    """One lexicon hit: where it is, its category and how much it counts."""

    start: int
    end: int
    category: str
    weight: float


@functools.cache
def _matcher() -> lex.Matcher:
    return lex.Matcher()


def find_hits(text: str) -> list[Hit]:
    """Every lexicon hit in the writer's own voice: none inside quotations or reported claims (the speaker's words,
    :mod:`factsift.signals.reported_speech`)."""
    hits: list[Hit] = []
    matcher = _matcher()
    hits.extend(Hit(start, end, category, matcher.weights[category]) for start, end, category in matcher.finditer(text))
    for match in lex.SHOUTING_RUN.finditer(text):
        words = match.group(0).split()
        if sum(1 for w in words if w.strip("'’-") not in lex.ACRONYMS) >= 2 and not _is_dateline(text, *match.span()):
            hits.append(Hit(match.start(), match.end(), "shouting", lex.SHOUTING_WEIGHT))
    for match in lex.SHOUTING_WORD.finditer(text):
        if match.group(0) not in lex.ACRONYMS and not _is_dateline(text, *match.span()):
            hits.append(Hit(match.start(), match.end(), "shouting", lex.SHOUTING_WEIGHT))
    if "!" in text:  # both need one
        hits.extend(
            Hit(m.start(), m.end(), "shouting", lex.EXCLAMATION_RUN_WEIGHT) for m in lex.EXCLAMATION_RUN.finditer(text)
        )
        hits.extend(Hit(m.start(), m.end(), "shouting", lex.EXCLAMATION_WEIGHT) for m in lex.EXCLAMATION.finditer(text))
    hits = _dedupe(hits)
    reported = reported_ranges(text) if hits else []  # nothing to drop: skip the search
    return [h for h in hits if outside(reported, h.start, h.end)]


_DATELINE_END = re.compile(r"\s*(?:\(|,|-|—|–|:)")


def _is_dateline(text: str, start: int, end: int) -> bool:
    """An all-caps place name opening the text or a paragraph ("WASHINGTON (Agency) -") is not shouting."""
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and _DATELINE_END.match(text, end) is not None


def _dedupe(hits: list[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def rate_per_100_words(text: str, hits: list[Hit]) -> float:
    """Weighted hits per 100 words of ``text``."""
    words = len(_WORDS.findall(text))
    return 100.0 * sum(h.weight for h in hits) / words if words else 0.0


@signal(
    NAME,
    "Superlatives, intensifiers, loaded political terms, sensational verbs, insults, all caps and '!!'.",
    calibrated=True,
)
def loaded_language(article: Article, context: SignalContext | None = None) -> Signal:
    """Rate loaded-language hits per 100 words and score the rate against real news."""
    text = article.text
    hits = find_hits(text)
    rate = rate_per_100_words(text, hits)
    cal = calibration(NAME, context)
    score = percentile_score(rate, float(cal["median"]), float(cal["p90"]))
    spans: list[Span] = [make_span(text, h.start, h.end, note=h.category.replace("_", " ")) for h in hits]
    by_category: dict[str, int] = {}
    for hit in hits:
        by_category[hit.category] = by_category.get(hit.category, 0) + 1
    if not hits:
        explanation = "No loaded or emotive wording found."
    else:
        compared = "above" if rate > float(cal["median"]) else "at or below"
        explanation = (
            f"{len(hits)} loaded or emotive expression(s), {rate:.2f} per 100 words — {compared} the typical "
            f"real news article ({float(cal['median']):.2f})."
        )
    return Signal(
        name=NAME,
        score=round(score, 4),
        explanation=explanation,
        spans=spans,
        details={"rate_per_100_words": round(rate, 3), "by_category": by_category, "calibration": cal["source"]},
    )
