"""The second-stage check-worthiness head: a one-hidden-layer perceptron on sentence features.

It reads the rows of :mod:`factsift.claims.encoder` and gives the probability that a sentence is
check-worthy (CFS). Its weights live in the model's ``.npz`` beside the n-gram weights (float16,
about 0.4 MB); scoring needs numpy alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from factsift.ml.logistic import sigmoid_array

#: Up to this many rows, :meth:`Head.predict` avoids BLAS.
SMALL = 64
#: Keys of the head's arrays in the model ``.npz``.
KEYS = ("head_w1", "head_b1", "head_w2", "head_b2")


@dataclass(frozen=True)
class Head:
    """``sigmoid(w2 · relu(w1ᵀx + b1) + b2)`` for each feature row ``x``."""

    w1: npt.NDArray[np.float32]
    b1: npt.NDArray[np.float32]
    w2: npt.NDArray[np.float32]
    b2: float

    @property
    def width(self) -> int:
        """Length of the feature rows the head reads."""
        return int(self.w1.shape[0])

    def predict(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """Probability of check-worthiness for each row of ``features``.

        The few rows of one article go through numpy's own loops (``einsum``) rather than BLAS: a
        multi-threaded BLAS would wake its threads for a tiny product and leave them spinning,
        which measurably slowed the encoders that run after it in the same process.
        """
        product = np.einsum("ij,jk->ik", features, self.w1) if len(features) <= SMALL else features @ self.w1
        hidden = np.maximum(product + self.b1, 0.0)
        return sigmoid_array(np.asarray(hidden @ self.w2 + self.b2, dtype=np.float64))

    def arrays(self) -> dict[str, npt.NDArray[np.float16]]:
        """The arrays to store (float16)."""
        values = (self.w1, self.b1, self.w2, np.array([self.b2]))
        return {key: np.asarray(value, dtype=np.float16) for key, value in zip(KEYS, values, strict=True)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[np.float16]]) -> Head:
        """The head stored by :meth:`arrays`; raises ValueError on inconsistent shapes."""
        w1, b1, w2, b2 = (np.asarray(arrays[key], dtype=np.float32) for key in KEYS)
        if w1.ndim != 2 or b1.shape != (w1.shape[1],) or w2.shape != (w1.shape[1],) or b2.shape != (1,):
            raise ValueError(f"inconsistent head shapes {w1.shape}, {b1.shape}, {w2.shape}, {b2.shape}")
        return cls(w1=w1, b1=b1, w2=w2, b2=float(b2[0]))
