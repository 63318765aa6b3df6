"""The article's stance towards a reviewed claim, and what that makes of the review's verdict.

A verdict applies to an article only through what the article does with the claim: one that asserts a claim
rated false repeats a falsehood; one that refutes it is on the fact-checkers' side.  The stance model
(:mod:`factsift.stance`) reads the article against the review's claim; its calibrated label scores give
the *direction* used by the risk score: ``P(agree) + DISCUSS_WEIGHT * P(discuss) - P(disagree)``.

Why "discuss" counts: the stance model (trained on FNC-1 news) calls most assertions "discuss" — an
article that relays a claim on the word of unnamed sources, as the seed page does, is "discuss" at 0.94.
Relaying a claim without refuting it spreads it, so it counts three quarters of asserting it; an article
that reports the claim *and* its denial moves towards "disagree" and counts less or the other way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from factsift.model import MatchStance, Span

#: How much relaying a claim without taking a side counts, against asserting it (1).
DISCUSS_WEIGHT = 0.75
#: Stances under which the page shows the review's verdict against the claim.
VERDICT_SHOWN_FOR = frozenset({"agree", "discuss"})

StanceFn = Callable[[list[tuple[str, str]]], list[MatchStance]]


@functools.cache
def stance_model() -> StanceFn | None:
    """The stance predictor over (claim, text) pairs, or None when factsift.stance is not installed."""
    try:
        from factsift.stance import predict_stance
    except ModuleNotFoundError:
        return None

    def predict(pairs: list[tuple[str, str]]) -> list[MatchStance]:
        out = []
        for (_, text), result in zip(pairs, predict_stance(pairs), strict=True):
            start, end = int(result.start), int(result.end)
            span = Span(start=start, end=end, text=text[start:end]) if 0 <= start < end <= len(text) else None
            scores = {label: round(float(value), 4) for label, value in result.scores.items()}
            out.append(MatchStance(label=result.label, scores=scores, span=span))
        return out

    return predict


def direction(stance: MatchStance | None) -> float:
    """How far the article asserts (+1) or refutes (-1) the claim; an unknown stance counts as asserting,
    which is how a match was read before stance existed (a claim the article states)."""
    if stance is None:
        return 1.0
    scores = stance.scores
    return scores.get("agree", 0.0) + DISCUSS_WEIGHT * scores.get("discuss", 0.0) - scores.get("disagree", 0.0)


def verdict_shown(probability: float, threshold: float, stance: MatchStance | None) -> bool:
    """Whether the review's verdict is displayed against the claim (see :class:`factsift.model.FactCheckMatch`)."""
    return probability >= threshold and (stance is None or stance.label in VERDICT_SHOWN_FOR)
