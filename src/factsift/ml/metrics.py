"""Ranking and classification measures shared by training and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata


def average_precision(labels: npt.NDArray[np.int64], scores: npt.NDArray[np.float64]) -> float:
    """Average precision of a ranking (the mean of precision at each relevant item); 0 with no positives."""
    order = np.argsort(-scores, kind="stable")
    ranked = labels[order]
    positives = int(ranked.sum())
    if positives == 0:
        return 0.0
    hits = np.cumsum(ranked)
    precision_at = hits / np.arange(1, len(ranked) + 1)
    return float((precision_at * ranked).sum() / positives)


def average_precision_at_k(relevant: Sequence[bool], total_relevant: int, k: int) -> float:
    """AP@k as CheckThat! computes it: precision at each relevant rank of the first ``k``, over
    min(``total_relevant``, k); 0 with nothing relevant."""
    found, total = 0, 0.0
    for rank, hit in enumerate(relevant[:k], start=1):
        if hit:
            found += 1
            total += found / rank
    return total / min(total_relevant, k) if total_relevant else 0.0


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (rank formulation, ties counted half); NaN with one class."""
    positives = y == 1
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(p)
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over ``bins`` equal-width bins of the score."""
    index = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += mask.sum() * abs(float(y[mask].mean()) - float(p[mask].mean()))
    return total / len(y)


def brier(y: np.ndarray, p: np.ndarray) -> float:
    """Mean squared error of the probability."""
    return float(((p - y) ** 2).mean())
