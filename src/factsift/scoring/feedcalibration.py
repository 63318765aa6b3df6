"""Calibration per feed: refit the risk score's confidence on a few labelled articles of the user's own feed.

No calibration learnt across datasets holds for every feed (misinformation is 5% of one collection and
66% of another, and the style of each differs).  A few labelled articles from the feed being analysed fix
that: ``factsift risk calibrate LABELS.csv --out FILE`` scores them with the shipped model and fits
``z' = slope * z + shift`` on their log-odds (Platt scaling), and ``--calibration FILE`` applies it.

With 25–200 labels a free two-parameter fit is noisy, so the fit is a maximum a-posteriori estimate with
Gaussian priors centred on the model as shipped (slope 1, shift 0): the shift (the feed's base rate) is
learnt first, the slope only when the labels insist.  ``bench/risk_trust.py`` reports ECE against the number
of labels.  The fit is a few Newton steps in numpy: no training extra needed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from factsift.errors import InputError
from factsift.ml.logistic import sigmoid_array

FORMAT = "factsift.risk-calibration/1"
#: Prior standard deviations: the slope stays near 1 unless many labels say otherwise; the shift may move freely.
SLOPE_PRIOR_SD = 0.35
SHIFT_PRIOR_SD = 3.0
#: Fewer labels than this (or no article of one class) cannot calibrate anything.
MIN_LABELS = 10


@dataclass(frozen=True)
class FeedCalibration:
    """``z' = slope * z + shift`` on the risk model's log-odds, fitted on ``labels`` articles of one feed."""

    slope: float
    shift: float
    labels: int
    positives: int
    model: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "format": FORMAT,
            "slope": round(self.slope, 6),
            "shift": round(self.shift, 6),
            "labels": self.labels,
            "positives": self.positives,
            "model": self.model,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedCalibration:
        """Read :meth:`to_dict` output; raises ValueError for anything else."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        slope, shift = float(data["slope"]), float(data["shift"])
        if not (math.isfinite(slope) and math.isfinite(shift)) or slope <= 0:
            raise ValueError("calibration slope must be a positive number and shift a finite one")
        return cls(slope, shift, int(data.get("labels", 0)), int(data.get("positives", 0)), str(data.get("model", "")))


def fit_feed_calibration(log_odds: Sequence[float], labels: Sequence[int], model: str = "") -> FeedCalibration:
    """The MAP Platt fit of ``labels`` (1 = misinformation) on the model's ``log_odds`` (see the module docstring).

    Raises InputError with fewer than ``MIN_LABELS`` labels or without both classes."""
    z = np.asarray(log_odds, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if len(z) != len(y):
        raise ValueError("log-odds and labels differ in length")
    if len(y) < MIN_LABELS or y.min() == y.max():
        raise InputError(
            f"calibration needs at least {MIN_LABELS} labelled articles with both labels present "
            f"(got {len(y)}, {int(y.sum())} labelled misinformation)"
        )
    design = np.column_stack([z, np.ones_like(z)])
    prior_mean = np.array([1.0, 0.0])
    precision = np.diag([1 / SLOPE_PRIOR_SD**2, 1 / SHIFT_PRIOR_SD**2])
    params = prior_mean.copy()
    for _ in range(100):
        p = sigmoid_array(design @ params)
        gradient = design.T @ (p - y) + precision @ (params - prior_mean)
        hessian = (design * (p * (1 - p))[:, None]).T @ design + precision
        step = np.linalg.solve(hessian, gradient)
        params -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    slope = max(float(params[0]), 1e-3)  # a feed where the model ranks backwards is not inverted
    return FeedCalibration(slope, float(params[1]), len(y), int(y.sum()), model)


def read_calibration(path: Path) -> FeedCalibration:
    """Load a calibration file; a missing or malformed file is an InputError naming it."""
    try:
        return FeedCalibration.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise InputError(f"no such calibration file: {path}") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a factsift risk calibration ({exc})") from None


def write_calibration(calibration: FeedCalibration, path: Path) -> None:
    """Write a calibration file (JSON)."""
    path.write_text(json.dumps(calibration.to_dict(), indent=2) + "\n", encoding="utf-8")
