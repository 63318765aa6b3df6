"""Normalise a fact-checker's own rating ("Pants on Fire!", "Four Pinocchios", "Mixture") to one scale.

Publishers each use their own words; factsift maps them to ``false``, ``mostly-false``, ``mixed``,
``mostly-true``, ``true`` or ``other`` (unproven, satire, flip-flops, anything it does not know) and
always keeps the original text beside the verdict.  The words are tried first; the numeric
``ratingValue`` on its ``worstRating``..``bestRating`` scale is used only when the words say nothing.
"""

from __future__ import annotations

import re

from factsift.vocabulary import VERDICTS, Verdict

__all__ = ["VERDICTS", "Verdict", "normalise_verdict"]

# Most specific first: "mostly false" must win over "false", "not true" over "true".
_WORDS: tuple[tuple[Verdict, str], ...] = (
    (
        "other",
        r"flip|flop|satire|satirical|parody|unproven|unverified|unsupported|no evidence|not enough|"
        r"legend|outdated|research in progress|explainer|opinion|in dispute|disputed|too early|unrated",
    ),
    (
        "false",
        r"pants on fire|four pinocchios?|4 pinocchios?|not true|untrue|not correct|incorrect|"
        r"not accurate|fake|fabricated|hoax|scam|bogus|baseless|debunked|falso|falsa|faux|fausse|falsch|"
        r"onwaar|wrong|false",
    ),
    (
        "mostly-false",
        r"mostly false|barely true|largely false|mostly inaccurate|mostly incorrect|three pinocchios?|"
        r"3 pinocchios?|misleading|exaggerat\w*|distort\w*|engan\w*|trompeur|irref\w*|fuorviante|"
        r"mostly fake|mainly false",
    ),
    (
        "mixed",
        r"half true|half false|mixture|mixed|partly true|partly false|partially true|partially false|"
        r"partly correct|half right|two pinocchios?|2 pinocchios?|cherry pick\w*|missing context|"
        r"lacks context|needs context|parcial\w*|en parte",
    ),
    (
        "mostly-true",
        r"mostly true|largely true|mostly accurate|mostly correct|one pinocchio|1 pinocchio|"
        r"mainly true",
    ),
    ("true", r"true|correct|accurate|verified|confirmed|geppetto checkmark|verdadero|verdadeiro|vrai|wahr|vero"),
)
# Qualified ratings before plain ones ("partly false" is mixed, "not true" is false), and "other" before
# plain "true" so that "unproven" or "satire" never read as true.
_ORDER: tuple[Verdict, ...] = ("mostly-false", "mixed", "mostly-true", "false", "other", "true")
_BY_NAME: dict[Verdict, re.Pattern[str]] = {verdict: re.compile(rf"\b(?:{words})\b") for verdict, words in _WORDS}


def _clean(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower().replace("-", " ")).split())


def verdict_from_text(text: str | None) -> Verdict | None:
    """The verdict a textual rating names, or None when the words are unknown."""
    if not text:
        return None
    cleaned = _clean(text)
    if not cleaned:
        return None
    for verdict in _ORDER:
        if _BY_NAME[verdict].search(cleaned):
            return verdict
    return None


def verdict_from_value(value: float | None, best: float | None, worst: float | None) -> Verdict | None:
    """The verdict a numeric rating implies on its own worst..best scale, or None if there is no usable scale."""
    if value is None or best is None or worst is None or best == worst:
        return None
    position = (value - worst) / (best - worst)
    if not 0.0 <= position <= 1.0:
        return None
    bins: tuple[Verdict, ...] = ("false", "mostly-false", "mixed", "mostly-true", "true")
    return bins[min(int(position * 5), 4)]


def normalise_verdict(
    text: str | None, value: float | None = None, best: float | None = None, worst: float | None = None
) -> Verdict:
    """Map a publisher's rating to factsift's verdict scale (``other`` when nothing is recognisable)."""
    return verdict_from_text(text) or verdict_from_value(value, best, worst) or "other"
