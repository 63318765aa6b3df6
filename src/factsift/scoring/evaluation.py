"""Honest evaluation of the risk model: split protocols, metrics and bootstrap intervals.

Protocols (every one pools the out-of-fold predictions, then measures each dataset on its rows):

* ``random`` — 5 folds by group (FakeNewsAMT pairs and duplicate groups never straddle a split);
* ``outlet`` — 5 folds by outlet: no outlet is in both training and test; rows whose outlet is
  unknown are left out of this protocol entirely (they might share an outlet with a test row);
* ``cross_dataset`` — leave one dataset out: train on the others, test on it.

Scores are produced by the same code path the pipeline stage uses (``final_log_odds``), with the
thin-evidence and fact-check rules applied.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from factsift.ml.logistic import sigmoid
from factsift.ml.metrics import brier, ece, roc_auc
from factsift.scoring.explain import DECISION_THRESHOLD, final_log_odds
from factsift.scoring.features import TEXT_FEATURE
from factsift.scoring.featurize import Example
from factsift.scoring.prior import PriorEstimate, adjust, estimate_prior
from factsift.scoring.riskmodel import RiskModel
from factsift.scoring.train import FitCache, FitConfig, bucket, fit, group_of

PROTOCOLS = ("random", "outlet", "cross_dataset")
FOLDS = 5


def predict(model: RiskModel, examples: Sequence[Example]) -> np.ndarray:
    """Calibrated scores for featurised examples, exactly as the risk stage computes them."""
    scores = np.empty(len(examples))
    for index, example in enumerate(examples):
        values = dict(example.values)
        if model.text is not None and TEXT_FEATURE in model.features:
            values[TEXT_FEATURE] = model.text.logit(example.document)
        z, _ = final_log_odds(model, values, example.shrink, example.decisive)
        scores[index] = sigmoid(z)
    return scores


def folds_for(examples: Sequence[Example], protocol: str, seed: int = 0) -> list[int | None]:
    """The test fold of each example under ``protocol`` (None = not used by this protocol)."""
    if protocol == "random":
        return [bucket(group_of(e), seed + 7, FOLDS) for e in examples]
    if protocol == "outlet":
        return [bucket(e.article.outlet, seed + 7, FOLDS) if e.article.outlet else None for e in examples]
    if protocol == "cross_dataset":
        names = sorted({e.article.dataset for e in examples})
        return [names.index(e.article.dataset) for e in examples]
    raise ValueError(f"unknown protocol {protocol!r}")


def out_of_fold(
    examples: Sequence[Example],
    protocol: str,
    config: FitConfig,
    cache: FitCache | None = None,
    on_fold: Callable[[int, float], None] | None = None,
    base_rates: list[float] | None = None,
) -> tuple[list[Example], np.ndarray]:
    """Out-of-fold scores under ``protocol``: the examples that were tested and their scores.

    Each fold's model is fitted, cross-fitted and calibrated on the training folds alone, by the same
    :func:`~factsift.scoring.train.fit` that makes the shipped model (so the calibration of a
    cross-dataset fold never sees the held-out dataset).  When ``base_rates`` is given, the base rate
    each tested example's model assumes is appended to it (for prior adaptation)."""
    import time

    cache = cache if cache is not None else FitCache()
    folds = folds_for(examples, protocol, config.seed)
    tested: list[Example] = []
    scores: list[float] = []
    for fold in sorted({f for f in folds if f is not None}):
        started = time.perf_counter()
        train = [e for e, f in zip(examples, folds, strict=True) if f is not None and f != fold]
        test = [e for e, f in zip(examples, folds, strict=True) if f == fold]
        if len({e.article.label for e in train}) < 2 or not test:
            continue
        model = fit(train, config, cache=cache)
        tested.extend(test)
        scores.extend(predict(model, test).tolist())
        if base_rates is not None:
            base_rates.extend([model.base_rate] * len(test))
        if on_fold is not None:
            on_fold(fold, time.perf_counter() - started)
    return tested, np.array(scores)


def held_out_parts(examples: Sequence[Example], tested: Sequence[Example], protocol: str, seed: int = 0) -> list[str]:
    """The held-out part of each tested example: its dataset within its test fold (one feed's unseen rows).

    Prior adaptation treats each part as one collection whose base rate is estimated from its scores."""
    fold_of = {id(e): f for e, f in zip(examples, folds_for(examples, protocol, seed), strict=True)}
    return [
        e.article.dataset if protocol == "cross_dataset" else f"fold {fold_of[id(e)]}/{e.article.dataset}"
        for e in tested
    ]


def prior_adapted(
    scores: np.ndarray, assumed: Sequence[float], parts: Sequence[str]
) -> tuple[np.ndarray, dict[str, PriorEstimate]]:
    """Scores moved, part by part, to the base rate EM estimates from that part's scores alone (no labels).

    ``assumed`` is the base rate each score's model was calibrated at (one per score; constant within a part)."""
    adapted = np.array(scores, dtype=float)
    estimates: dict[str, PriorEstimate] = {}
    for part in sorted(set(parts)):
        idx = np.array([i for i, p in enumerate(parts) if p == part])
        rates = {float(assumed[i]) for i in idx}
        if len(rates) != 1:
            raise ValueError(f"part {part!r} mixes models with different base rates")
        rate = rates.pop()
        estimates[part] = estimate_prior(scores[idx].tolist(), assumed=rate)
        adapted[idx] = adjust(scores[idx].tolist(), estimates[part].rate, rate)
    return adapted, estimates


# --- metrics -------------------------------------------------------------------------------------


def accuracy(y: np.ndarray, p: np.ndarray, threshold: float = DECISION_THRESHOLD) -> float:
    """Share of articles on the right side of the documented threshold."""
    return float(((p >= threshold).astype(int) == y).mean())


METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "auc": roc_auc,
    "accuracy": accuracy,
    "ece": ece,
    "brier": brier,
}


def with_intervals(y: np.ndarray, p: np.ndarray, resamples: int = 1000, seed: int = 0) -> dict[str, dict[str, float]]:
    """Each metric with a percentile bootstrap 95% interval (resampling articles)."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(y), size=(resamples, len(y)))
    out: dict[str, dict[str, float]] = {}
    for name, metric in METRICS.items():
        values = np.array([metric(y[d], p[d]) for d in draws])
        values = values[np.isfinite(values)]
        point = metric(y, p)
        low, high = np.percentile(values, [2.5, 97.5]) if len(values) else (float("nan"), float("nan"))
        out[name] = {"value": round(point, 4), "low": round(float(low), 4), "high": round(float(high), 4)}
    return out


def by_dataset(tested: Sequence[Example], scores: np.ndarray, resamples: int = 1000) -> dict[str, dict[str, object]]:
    """Metrics with intervals for each dataset's rows among ``tested``."""
    rows: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(tested):
        rows[example.article.dataset].append(index)
    result: dict[str, dict[str, object]] = {}
    for name in sorted(rows):
        idx = np.array(rows[name])
        y = np.array([tested[i].article.label for i in idx])
        p = scores[idx]
        result[name] = {"n": len(idx), "positives": int(y.sum()), **with_intervals(y, p, resamples)}
    return result
