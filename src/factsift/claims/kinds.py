"""What kind of statement a claim is: quantity, comparison, attribution, event, opinion, prediction or other.

An unattributed opinion ("This is a drastic turn", "We must act") or prediction ("Prices will
double") is not a checkable fact, whatever numbers it carries: those two are recognised first.
Then the first factual kind that applies wins, in that order: an amount is the most directly
checkable thing in a sentence, then a comparison or ranking, then who said it, then a dated past action.
"""

from __future__ import annotations

import re

from factsift.claims import cues
from factsift.vocabulary import ClaimKind

__all__ = ["NOT_FACTUAL_KINDS", "ClaimKind", "kind_of"]

#: The kinds that state no checkable fact.
NOT_FACTUAL_KINDS = frozenset({"opinion", "prediction"})

#: Words that judge rather than describe, as they follow "this is (a) ..." in an evaluation.
_EVALUATIVE = (
    r"drastic|dramatic|disgrace\w*|outrage\w*|shameful|ridiculous|absurd|terrible|horrible|awful|amazing|wonderful|"
    r"fantastic|tremendous|stunning|shocking|incredible|unbelievable|remarkable|reckless|insane|crazy|stupid|"
    r"brilliant|sad|tragic|pathetic|disastrous|disaster|mistake|failure|betrayal|scandal\w*|joke|travesty|"
    r"great|good|bad|wrong|right|unacceptable|dangerous|historic|huge|big|welcome|important"
)
_OPINION = re.compile(
    r"\b(?:I|we)\s+(?:(?:really|strongly|truly)\s+)?(?:think|believe|feel|hope|suspect|doubt|guess|wish)\b|"
    r"\bin\s+(?:my|our)\s+(?:opinion|view)\b|\bit\s+is\s+(?:high\s+)?time\b|"
    r"\b(?:should|ought\s+to|must)\s+(?!have\b|be\s+\w+ed\s+by\b)|"
    rf"^\W*(?:this|that|it|these|those)\s+(?:is|was|are|were|'s|seems|looks)\s+(?:(?:a|an|the|truly|really|so|such|"
    rf"very|just|not|only)\s+)*(?:\w+\s+)?(?:{_EVALUATIVE})\b",
    re.IGNORECASE,
)
_PREDICTION = re.compile(
    r"\b(?:will|won't|shall|(?:is|are|am)\s+(?:going|expected|likely|set|poised|bound)\s+to)\s+\w+|\w'll\b",
    re.IGNORECASE,
)

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
    if not _ATTRIBUTION.search(text):
        if _OPINION.search(text):
            return "opinion"
        if _PREDICTION.search(text):
            return "prediction"
    if cues.NUMBER.search(text) or _NUMERIC.search(text) or any(w.lower() in _AMOUNT_WORDS for w in words):
        return "quantity"
    if _COMPARISON_WORDS.search(text) or ("than" in text.lower() and _COMPARISON_THAN.search(text)):
        return "comparison"
    if _ATTRIBUTION.search(text):
        return "attribution"
    if any(cues.is_past_tense(w) for w in words if w[0].isalpha()):
        return "event"
    return "other"
