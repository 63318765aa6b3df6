"""Ranking and classification measures shared by training and benchmarks."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


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
