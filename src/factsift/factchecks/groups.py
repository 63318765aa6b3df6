"""Reviews of the same claim, grouped: copies of one record and one claim checked by several publishers.

Two reviews are of the same claim when their claim texts are equal once case and punctuation are dropped,
or when they share almost all their content words (``SAME_CLAIM_OVERLAP`` of the smaller set), the
same numbers and the same negation.  A group reads as one line — "rated false by PolitiFact, Snopes
and AFP" — with a consensus verdict when every verdict of known direction agrees, and the disagreement
spelled out when not.  Every review stays in the group (nothing is dropped); the group's probability is
its best member's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factsift.factchecks.records import Review
from factsift.factchecks.terms import stems

#: Share of the smaller claim's content stems the other must hold for the two to be one claim.
SAME_CLAIM_OVERLAP = 0.8
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_DIRECTIONLESS = frozenset({"other"})


_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|without)\b|n't\b", re.IGNORECASE)


def _negated(text: str) -> bool:
    return bool(_NEGATION.search(text.replace("’", "'")))


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def same_claim(a: Review, b: Review) -> bool:
    """Whether two reviews check the same claim (see the module docstring)."""
    if _normalised(a.claim_reviewed) == _normalised(b.claim_reviewed):
        return True
    if set(_NUMBER.findall(a.claim_reviewed)) != set(_NUMBER.findall(b.claim_reviewed)):
        return False
    if _negated(a.claim_reviewed) != _negated(b.claim_reviewed):  # "X causes Y" and "X does not cause Y"
        return False
    left, right = stems(a.claim_reviewed), stems(b.claim_reviewed)
    if not left or not right:
        return False
    return len(left & right) / min(len(left), len(right)) >= SAME_CLAIM_OVERLAP


@dataclass
class ClaimGroup:
    """Reviews of one claim, best first; ``lead`` is the best of them."""

    lead: Review
    reviews: list[Review] = field(default_factory=list)

    @property
    def consensus(self) -> str | None:
        """The verdict every review of known direction gives, or None when they disagree (or none has one)."""
        verdicts = {r.verdict for r in self.reviews if r.verdict not in _DIRECTIONLESS}
        return verdicts.pop() if len(verdicts) == 1 else None

    @property
    def disagreement(self) -> bool:
        """Whether publishers give different verdicts of known direction."""
        return len({r.verdict for r in self.reviews if r.verdict not in _DIRECTIONLESS}) > 1

    def summary(self) -> str:
        """ "rated false by PolitiFact, Snopes and AFP" or, when they differ, each verdict with its publishers."""
        by_verdict: dict[str, list[str]] = {}
        for review in self.reviews:
            names = by_verdict.setdefault(review.verdict, [])
            name = review.publisher or "an unnamed publisher"
            if name not in names:
                names.append(name)
        parts = [f"rated {verdict} by {_and(names)}" for verdict, names in by_verdict.items()]
        text = "; ".join(parts)
        return f"publishers disagree: {text}" if self.disagreement else text


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def group_reviews(reviews: list[Review]) -> list[ClaimGroup]:
    """``reviews`` (best first) gathered into claim groups, each led by its best review, in order of their leads."""
    groups: list[ClaimGroup] = []
    for review in reviews:
        home = next((g for g in groups if same_claim(g.lead, review)), None)
        if home is None:
            groups.append(ClaimGroup(lead=review, reviews=[review]))
        else:
            home.reviews.append(review)
    return groups
