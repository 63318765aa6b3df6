"""Headline–body mismatch: does the body back the headline's main claim with a named source?

A headline such as "Russian Air Force Joins U.S. Strikes" should be carried by the body, and by
statements the body attributes to someone named.  The raw mismatch mixes two coverages of the
headline's content words (light stemming, function words ignored): how many appear anywhere
in the body, and how many appear in sentences with a named attribution.  The raw value is scored
against its distribution on real news (``data/calibration.json``).  Headline words the body
never mentions, and words no named source speaks to, are spans into the title.
"""

from __future__ import annotations

import bisect
import functools
import re

from factsift.model import Article, Signal, Span
from factsift.signals.attribution import cached_attributions
from factsift.signals.registry import SignalContext, signal
from factsift.signals.shipped_calibration import calibration, percentile_score
from factsift.signals.spans import make_span

NAME = "headline_body_mismatch"
BODY_WEIGHT = 0.4
ATTRIBUTED_WEIGHT = 0.6
STEM_LENGTH = 5
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.’'-][A-Za-z0-9]+)*\.?")
STOPWORDS = frozenset(
    """
    a about above after again against all almost also am an and any are as at back be because been before being
    below between both but by can could did do does doing down during each even ever every few for from further
    get gets got had has have having he her here hers him his how i if in into is it its just let like made make
    makes many may me more most much must my new no nor not now of off on once only or other our out over own
    per said same say says she should so some still such than that the their them then there these they this
    those through to too under until up upon us very via was we were what when where which while who whom why
    will with would yet you your after amid over vs
    """.split()
)


@functools.lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    word = word.lower()
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    return word.strip(".")[:STEM_LENGTH]


def headline_terms(title: str) -> list[tuple[int, int, str]]:
    """The headline's content words as ``(start, end, stem)``, function words left out."""
    terms: list[tuple[int, int, str]] = []
    for match in _WORD.finditer(title):
        word = match.group(0).rstrip(".") if not re.fullmatch(r"(?:[A-Za-z]\.)+", match.group(0)) else match.group(0)
        if word.lower() in STOPWORDS or len(word) < 2:
            continue
        terms.append((match.start(), match.start() + len(word), _stem(word)))
    return terms


#: Word -> stem of every word :func:`_stems` has seen (replaced by an empty table past ``MAX_KNOWN_STEMS``).
_KNOWN_STEMS: dict[str, str] = {}
MAX_KNOWN_STEMS = 100_000


def _stems(text: str) -> set[str]:
    """The stems of the words of ``text``, each distinct word stemmed once (then looked up in one pass)."""
    global _KNOWN_STEMS
    if len(_KNOWN_STEMS) > MAX_KNOWN_STEMS:
        _KNOWN_STEMS = {}  # replaced, not emptied: a thread still reading the old table is not disturbed
    known = _KNOWN_STEMS
    words = set(_WORD.findall(text))
    for word in words.difference(known):
        known[word] = _stem(word)
    return set(map(known.__getitem__, words))


_WORD_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.’'-")


def _stems_starting_within(text: str, lo: int, hi: int) -> list[str]:
    """Stems of the words of ``text`` (as ``_WORD.finditer(text)`` finds them) that start in ``[lo, hi)``.

    The search starts right after the last character before ``lo`` that no word can contain, so it
    finds the same words there as a search over the whole text.
    """
    start = min(lo, len(text))
    if (start == 0 or text[start - 1] not in _WORD_CHARACTERS) and text[hi : hi + 1] not in _WORD_CHARACTERS:
        return [_stem(word) for word in _WORD.findall(text, start, hi)]  # no word crosses either end
    while start > 0 and text[start - 1] in _WORD_CHARACTERS:
        start -= 1
    stems: list[str] = []
    for match in _WORD.finditer(text, start):
        if match.start() >= hi:
            break
        if match.start() >= lo:
            stems.append(_stem(match.group(0)))
    return stems


def _any_between(sorted_positions: list[int], lo: int, hi: int) -> bool:
    index = bisect.bisect_left(sorted_positions, lo)
    return index < len(sorted_positions) and sorted_positions[index] < hi


def raw_mismatch(article: Article) -> tuple[float, list[Span], dict[str, float]] | None:
    """The unscored mismatch in [0, 1], its title spans and the two coverages; None without a headline."""
    title = article.title or ""
    terms = headline_terms(title)
    if not terms:
        return None
    text = article.text
    body = _stems(text)
    named = [a.start for a in cached_attributions(text, article.outlet.name) if a.kind == "named"]
    ranges = [(s.start, s.end) for s in article.sentences if _any_between(named, s.start, s.end)]
    attributed: set[str] = set()
    for lo, hi in ranges:
        attributed.update(_stems_starting_within(text, lo, hi))
    if not article.sentences and named:
        attributed = body
    spans: list[Span] = []
    in_body = in_attributed = 0
    for start, end, stem in terms:
        if stem in body:
            in_body += 1
            if stem in attributed:
                in_attributed += 1
            else:
                spans.append(
                    make_span(title, start, end, field="title", note="no named source in the body speaks to it")
                )
        else:
            spans.append(make_span(title, start, end, field="title", note="not in the body"))
    body_cov = in_body / len(terms)
    attributed_cov = in_attributed / len(terms)
    raw = 1.0 - (BODY_WEIGHT * body_cov + ATTRIBUTED_WEIGHT * attributed_cov)
    return raw, spans, {"body_coverage": round(body_cov, 4), "attributed_coverage": round(attributed_cov, 4)}


@signal(NAME, "Headline words the body never mentions or never backs with a named source.", calibrated=True)
def headline_body_mismatch(article: Article, context: SignalContext | None = None) -> Signal:
    """Compare the headline's content words with the body and with its named-source statements."""
    result = raw_mismatch(article)
    if result is None:
        return Signal(name=NAME, score=0.0, explanation="No headline to compare with the body.")
    raw, spans, coverage = result
    cal = calibration(NAME, context)
    score = percentile_score(raw, float(cal["median"]), float(cal["p90"]))
    missing = [s.text for s in spans if s.note == "not in the body"]
    unbacked = [s.text for s in spans if s.note != "not in the body"]
    parts = []
    if missing:
        parts.append(f"the body never mentions {', '.join(repr(w) for w in missing[:6])}")
    if unbacked:
        parts.append(f"no named source in the body speaks to {', '.join(repr(w) for w in unbacked[:6])}")
    explanation = (
        ("Headline vs body: " + "; ".join(parts) + ".") if parts else "The body covers the headline with named sources."
    )
    return Signal(
        name=NAME,
        score=round(score, 4),
        explanation=explanation,
        spans=spans,
        details={**coverage, "raw": round(raw, 4)},
    )
