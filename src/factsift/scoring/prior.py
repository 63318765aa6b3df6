"""Label (prior) shift: move calibrated scores to another base rate, and estimate that rate without labels.

A calibrated score ``p(fake | x)`` depends on how common misinformation was where it was calibrated
(the model's assumed base rate).  When the share of fakes in a collection differs, Bayes' rule gives
the corrected score by moving the log-odds by ``logit(new rate) - logit(assumed rate)`` — the
likelihood ``p(x | class)`` is assumed unchanged, only the class priors move.

The new rate of a *collection* (many articles from the same feed) can be estimated from the scores
alone with the EM procedure of Saerens, Latinne & Decaestecker (2002), "Adjusting the outputs of a
classifier to new a priori probabilities: a simple procedure", Neural Computation 14(1):21–41.
One article cannot estimate its own base rate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from factsift.ml.logistic import logit, sigmoid


def prior_shift(to_rate: float, from_rate: float) -> float:
    """The log-odds to add to a score calibrated at ``from_rate`` so it holds at ``to_rate``."""
    return logit(to_rate) - logit(from_rate)


def adjust(scores: Iterable[float], to_rate: float, from_rate: float) -> list[float]:
    """Scores calibrated at ``from_rate`` moved to base rate ``to_rate`` (Bayes prior correction)."""
    shift = prior_shift(to_rate, from_rate)
    return [sigmoid(logit(p) + shift) for p in scores]


@dataclass(frozen=True)
class PriorEstimate:
    """An estimated base rate of a collection, with how the EM iterations ended."""

    rate: float
    iterations: int
    converged: bool
    n: int


def estimate_prior(
    scores: Iterable[float], assumed: float, tolerance: float = 1e-6, max_iterations: int = 1000
) -> PriorEstimate:
    """The share of positives in a collection, from scores calibrated at base rate ``assumed``, no labels.

    EM of Saerens et al. (2002): starting from the assumed rate, re-weight each posterior by
    ``rate / assumed`` (and its complement by ``(1 - rate) / (1 - assumed)``), renormalise, and take
    the mean as the new rate; repeat until it moves less than ``tolerance``.  Each step cannot lower
    the likelihood of the scores, so it converges (to a rate in (0, 1) unless every score is 0 or 1).
    Raises ValueError for an empty collection or an assumed rate outside (0, 1).
    """
    raw = [float(p) for p in scores]
    if not raw:
        raise ValueError("no scores to estimate a base rate from")
    if not 0.0 < assumed < 1.0:
        raise ValueError(f"assumed base rate must be between 0 and 1, got {assumed}")
    if any(math.isnan(p) for p in raw):
        raise ValueError("scores contain NaN")
    values = [min(1 - 1e-9, max(1e-9, p)) for p in raw]
    rate = assumed
    for iteration in range(1, max_iterations + 1):
        up, down = rate / assumed, (1.0 - rate) / (1.0 - assumed)
        new = sum(up * p / (up * p + down * (1.0 - p)) for p in values) / len(values)
        if abs(new - rate) < tolerance:
            return PriorEstimate(rate=new, iterations=iteration, converged=True, n=len(values))
        rate = new
    return PriorEstimate(rate=rate, iterations=max_iterations, converged=False, n=len(values))
