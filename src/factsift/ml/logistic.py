"""The logistic function and its inverse, safe for any input (one definition for every model)."""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np
import numpy.typing as npt

F = TypeVar("F", bound=np.floating)


def sigmoid(z: float) -> float:
    """The logistic function 1 / (1 + e^-z), without overflow for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid_array(z: npt.NDArray[F]) -> npt.NDArray[F]:
    """:func:`sigmoid` of every element, ``1 / (1 + e^-z)`` in ``z``'s own precision (e^-z overflowing gives 0)."""
    with np.errstate(over="ignore"):
        result: npt.NDArray[F] = 1.0 / (1.0 + np.exp(-z))
    return result


def logit(p: float) -> float:
    """Log-odds of probability ``p`` (clipped away from 0 and 1)."""
    p = min(1 - 1e-6, max(1e-6, p))
    return math.log(p / (1 - p))
