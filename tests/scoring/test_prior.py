"""The prior-shift correction and the EM base-rate estimate, on synthetic data with a known prior."""

from __future__ import annotations

import math
import random

import pytest

from factsift.ml.logistic import logit, sigmoid
from factsift.scoring.prior import adjust, estimate_prior, prior_shift

SEPARATION = 1.2  # class means at ±SEPARATION, unit variance: a moderately good classifier


def calibrated_scores(n: int, prevalence: float, assumed: float, seed: int) -> tuple[list[float], list[int]]:
    """Scores of the exact Bayes posterior at base rate ``assumed`` for ``n`` points drawn at ``prevalence``.

    x | fake ~ N(+s, 1), x | genuine ~ N(-s, 1), so the log likelihood ratio is 2 s x and the posterior
    at prior ``assumed`` is sigmoid(2 s x + logit(assumed)): calibrated when the prevalence is ``assumed``.
    """
    rng = random.Random(seed)
    labels = [1 if rng.random() < prevalence else 0 for _ in range(n)]
    xs = [rng.gauss(SEPARATION if y else -SEPARATION, 1.0) for y in labels]
    return [sigmoid(2 * SEPARATION * x + logit(assumed)) for x in xs], labels


@pytest.mark.parametrize("prevalence", [0.05, 0.2, 0.5, 0.66, 0.9])
def test_em_recovers_a_known_prior(prevalence: float) -> None:
    scores, labels = calibrated_scores(20000, prevalence, assumed=0.5, seed=1)
    estimate = estimate_prior(scores, assumed=0.5)
    assert estimate.converged
    assert estimate.n == 20000
    assert abs(estimate.rate - sum(labels) / len(labels)) < 0.02


def test_em_beats_the_mean_score_under_shift() -> None:
    """The mean of shifted-prior scores is biased toward the assumed rate; EM is not."""
    scores, labels = calibrated_scores(20000, 0.05, assumed=0.5, seed=2)
    truth = sum(labels) / len(labels)
    naive = sum(scores) / len(scores)
    assert naive - truth > 0.1
    assert abs(estimate_prior(scores, assumed=0.5).rate - truth) < 0.02


def test_em_with_another_assumed_rate() -> None:
    scores, labels = calibrated_scores(20000, 0.3, assumed=0.8, seed=3)
    assert abs(estimate_prior(scores, assumed=0.8).rate - sum(labels) / len(labels)) < 0.02


def test_wrong_assumed_rate_gives_a_wrong_estimate() -> None:
    """The estimate depends on knowing the rate the scores were calibrated at (so the tests above can fail)."""
    scores, labels = calibrated_scores(20000, 0.3, assumed=0.8, seed=4)
    assert abs(estimate_prior(scores, assumed=0.5).rate - sum(labels) / len(labels)) > 0.1


def test_adjusted_scores_are_calibrated_at_the_new_rate() -> None:
    scores, labels = calibrated_scores(40000, 0.1, assumed=0.5, seed=5)
    adjusted = adjust(scores, to_rate=0.1, from_rate=0.5)
    assert abs(sum(adjusted) / len(adjusted) - sum(labels) / len(labels)) < 0.01
    high = [y for p, y in zip(adjusted, labels, strict=True) if 0.4 <= p < 0.6]
    assert abs(sum(high) / len(high) - 0.5) < 0.05
    # unadjusted, the same bin holds far fewer fakes than its scores claim
    raw = [y for p, y in zip(scores, labels, strict=True) if 0.4 <= p < 0.6]
    assert sum(raw) / len(raw) < 0.2


def test_adjust_is_monotone_and_identity_at_the_same_rate() -> None:
    scores = [0.01, 0.2, 0.5, 0.77, 0.99]
    assert adjust(scores, 0.5, 0.5) == pytest.approx(scores)
    moved = adjust(scores, 0.1, 0.5)
    assert moved == sorted(moved)
    assert all(m < s for m, s in zip(moved, scores, strict=True))
    assert prior_shift(0.1, 0.5) == pytest.approx(math.log(0.1 / 0.9))


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        estimate_prior([], assumed=0.5)
    with pytest.raises(ValueError):
        estimate_prior([0.3], assumed=1.0)
    with pytest.raises(ValueError):
        estimate_prior([float("nan")], assumed=0.5)


def test_extreme_scores_stay_in_range() -> None:
    estimate = estimate_prior([0.0, 0.0, 1e-12], assumed=0.5, max_iterations=50)
    assert 0.0 <= estimate.rate < 0.01


def test_prior_adapted_moves_each_part_to_its_own_rate() -> None:
    """Two feeds with different shares of fakes: each is re-calibrated from its own scores; AUC is unchanged."""
    import numpy as np

    from factsift.scoring.evaluation import ece, prior_adapted, roc_auc

    rare, rare_y = calibrated_scores(4000, 0.05, assumed=0.5, seed=6)
    common, common_y = calibrated_scores(4000, 0.7, assumed=0.5, seed=7)
    scores = np.array(rare + common)
    labels = np.array(rare_y + common_y)
    parts = ["rare"] * 4000 + ["common"] * 4000
    adapted, estimates = prior_adapted(scores, [0.5] * 8000, parts)
    assert abs(estimates["rare"].rate - np.mean(rare_y)) < 0.02
    assert abs(estimates["common"].rate - np.mean(common_y)) < 0.02
    for part, y in (("rare", np.array(rare_y)), ("common", np.array(common_y))):
        idx = np.array([i for i, p in enumerate(parts) if p == part])
        assert ece(y, adapted[idx]) < 0.02 < ece(y, scores[idx])
        assert roc_auc(y, adapted[idx]) == pytest.approx(roc_auc(y, scores[idx]))
    assert ece(labels, adapted) < ece(labels, scores)
    with pytest.raises(ValueError):
        prior_adapted(scores[:2], [0.5, 0.3], ["same", "same"])


def test_held_out_parts_follow_the_protocol() -> None:
    from factsift.scoring.evaluation import held_out_parts, out_of_fold
    from factsift.scoring.train import without_text

    from .test_train import CONFIG, synthetic

    examples = synthetic(90)
    rates: list[float] = []
    tested, _scores = out_of_fold(examples, "cross_dataset", without_text(CONFIG), base_rates=rates)
    assert len(rates) == len(tested) and all(0 < r < 1 for r in rates)
    parts = held_out_parts(examples, tested, "cross_dataset")
    assert parts == [e.article.dataset for e in tested]
    outlet_parts = held_out_parts(examples, examples, "outlet")
    assert all(
        p.startswith("fold ") and p.endswith(e.article.dataset) for p, e in zip(outlet_parts, examples, strict=True)
    )
