"""The logistic function and its inverse, safe for any input (one definition for every model)."""

from __future__ import annotations

import math


def sigmoid(z: float) -> float:
    """The logistic function 1 / (1 + e^-z), without overflow for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def logit(p: float) -> float:
    """Log-odds of probability ``p`` (clipped away from 0 and 1)."""
    p = min(1 - 1e-6, max(1e-6, p))
    return math.log(p / (1 - p))
