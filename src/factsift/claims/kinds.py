"""What kind of checkable statement a claim is: quantity, comparison, attribution, event or other.

The first kind that applies wins, in that order: an amount is the most directly checkable thing
in a sentence, then a comparison or ranking, then who said it, then a dated past action.
"""

from __future__ import annotations

import re

from factsift.claims import cues
from factsift.vocabulary import ClaimKind

__all__ = ["ClaimKind", "kind_of"]

#: Comparisons, in two patterns: the "than" one is searched only when the sentence has "than".
_COMPARISON_THAN = re.compile(
    r"\b(?:more|less|fewer|greater|higher|lower|larger|smaller|bigger|cheaper|worse|better|\w+er)\s+than\b"
    r"(?!\s+(?:a|an|one)\s+(?:hour|day|week|month|year|decade|century)\b)",
    re.IGNORECASE,
)
_COMPARISON_WORDS = re.compile(
    r"\b(?:most|least|largest|biggest|highest|lowest|smallest|fastest|worst|best)\b|"
    r"\b(?:times as|twice as|half as|compared (?:to|with)|the (?:first|only) \w+ (?:to|since|in))\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|according to|reported|confirmed|announced|stated|claimed|testified|wrote|"
    r"admitted|acknowledged|revealed|disclosed)\b",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"\d|\b(?:hundreds?|thousands?|millions?|billions?|trillions?|dozens?|percent|per cent)\b", re.I)


_AMOUNT_WORDS = cues.NUMBER_WORDS - {"half", "third", "majority"}


def kind_of(text: str) -> ClaimKind:
    """The kind of claim ``text`` makes (see the module docstring for the order)."""
    words = cues.sentence_tokens(text)
    text = cues.normalise(text)
    if cues.NUMBER.search(text) or _NUMERIC.search(text) or any(w.lower() in _AMOUNT_WORDS for w in words):
        return "quantity"
    if _COMPARISON_WORDS.search(text) or ("than" in text.lower() and _COMPARISON_THAN.search(text)):
        return "comparison"
    if _ATTRIBUTION.search(text):
        return "attribution"
    if any(cues.is_past_tense(w) for w in words if w[0].isalpha()):
        return "event"
    return "other"
