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


class _Pattern:
    """A case-blind pattern, written in lower case, searched in lower-cased text where that finds the same matches.

    ``re.IGNORECASE`` makes Python's regular expressions slower on these alternations (about a third); a
    plain search of the lower-cased text finds the same matches unless the text holds one of the four
    letters that match an ASCII letter only case-blind (İ, ı, ſ, the Kelvin sign K), where it is kept.
    """

    def __init__(self, pattern: str) -> None:
        self.blind = re.compile(pattern, re.IGNORECASE)
        self.lower = re.compile(pattern)

    def search(self, text: str, folded: str | None) -> bool:
        """Whether the pattern occurs in ``text``, whose lower case is ``folded`` (None: search case-blind)."""
        found = self.lower.search(folded) if folded is not None else self.blind.search(text)
        return found is not None


_CASE_BLIND_ONLY = re.compile("[\u0130\u0131\u017f\u212a]")

#: Words that judge rather than describe, as they follow "this is (a) ..." in an evaluation.
_EVALUATIVE = (
    r"drastic|dramatic|disgrace\w*|outrage\w*|shameful|ridiculous|absurd|terrible|horrible|awful|amazing|wonderful|"
    r"fantastic|tremendous|stunning|shocking|incredible|unbelievable|remarkable|reckless|insane|crazy|stupid|"
    r"brilliant|sad|tragic|pathetic|disastrous|disaster|mistake|failure|betrayal|scandal\w*|joke|travesty|"
    r"great|good|bad|wrong|right|unacceptable|dangerous|historic|huge|big|welcome|important"
)
_OPINION = _Pattern(
    r"\b(?:i|we)\s+(?:(?:really|strongly|truly)\s+)?(?:think|believe|feel|hope|suspect|doubt|guess|wish)\b|"
    r"\bin\s+(?:my|our)\s+(?:opinion|view)\b|\bit\s+is\s+(?:high\s+)?time\b|"
    r"\b(?:should|ought\s+to|must)\s+(?!have\b|be\s+\w+ed\s+by\b)|"
    rf"^\W*(?:this|that|it|these|those)\s+(?:is|was|are|were|'s|seems|looks)\s+(?:(?:a|an|the|truly|really|so|such|"
    rf"very|just|not|only)\s+)*(?:\w+\s+)?(?:{_EVALUATIVE})\b"
)
_PREDICTION = _Pattern(
    r"\b(?:will|won't|shall|(?:is|are|am)\s+(?:going|expected|likely|set|poised|bound)\s+to)\s+\w+|\w'll\b"
)

#: Comparisons, in two patterns: the "than" one is searched only when the sentence has "than".
_COMPARISON_THAN = _Pattern(
    r"\b(?:more|less|fewer|greater|higher|lower|larger|smaller|bigger|cheaper|worse|better|\w+er)\s+than\b"
    r"(?!\s+(?:a|an|one)\s+(?:hour|day|week|month|year|decade|century)\b)"
)
_COMPARISON_WORDS = _Pattern(
    r"\b(?:most|least|largest|biggest|highest|lowest|smallest|fastest|worst|best)\b|"
    r"\b(?:times as|twice as|half as|compared (?:to|with)|the (?:first|only) \w+ (?:to|since|in))\b"
)
_ATTRIBUTION = _Pattern(
    r"\b(?:said|says|told|according to|reported|confirmed|announced|stated|claimed|testified|wrote|"
    r"admitted|acknowledged|revealed|disclosed)\b"
)
_NUMERIC = _Pattern(r"\d|\b(?:hundreds?|thousands?|millions?|billions?|trillions?|dozens?|percent|per cent)\b")


_AMOUNT_WORDS = cues.NUMBER_WORDS - {"half", "third", "majority"}


def kind_of(text: str) -> ClaimKind:
    """The kind of claim ``text`` makes (see the module docstring for the order)."""
    words = cues.sentence_tokens(text)
    text = cues.normalise(text)
    folded = None if _CASE_BLIND_ONLY.search(text) else text.lower()
    attributed = _ATTRIBUTION.search(text, folded)
    if not attributed:
        if _OPINION.search(text, folded):
            return "opinion"
        if _PREDICTION.search(text, folded):
            return "prediction"
    if cues.NUMBER.search(text) or _NUMERIC.search(text, folded) or any(w.lower() in _AMOUNT_WORDS for w in words):
        return "quantity"
    if _COMPARISON_WORDS.search(text, folded) or ("than" in text.lower() and _COMPARISON_THAN.search(text, folded)):
        return "comparison"
    if attributed:
        return "attribution"
    if any(cues.is_past_tense(w) for w in words if w[0].isalpha()):
        return "event"
    return "other"
