"""The shipped check-worthiness model: hashed features, one weight per slot, a logistic output.

The model is two small files without pickle: ``claims-model.npz`` (``weights`` float16 and
``bias``) and ``claims-model.json`` (feature config, threshold, provenance and held-out figures).
Scoring needs only numpy, and is loaded once per process.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from factsift.claims.features import FeatureConfig, featurise
from factsift.errors import InputError

DATA_DIR = Path(__file__).parent / "data"
MODEL_NAME = "claims-model"


@dataclass(frozen=True)
class ClaimModel:
    """Weights, bias, feature config and the "worth checking" threshold of one trained model."""

    weights: npt.NDArray[np.float32]
    bias: float
    config: FeatureConfig
    threshold: float
    meta: dict[str, Any]

    def score(self, text: str) -> float:
        """Check-worthiness of one sentence in [0, 1] (the model's probability of CFS)."""
        features = featurise(text, self.config)
        if not features:
            return 0.0
        index = np.fromiter(features.keys(), dtype=np.int64, count=len(features))
        value = np.fromiter(features.values(), dtype=np.float32, count=len(features))
        margin = self.bias + float(self.weights[index] @ value)
        return 1.0 / (1.0 + math.exp(-margin)) if margin > -500 else 0.0

    def score_many(self, texts: list[str]) -> list[float]:
        """Check-worthiness of each sentence, in order."""
        return [self.score(text) for text in texts]


def save(path_stem: Path, weights: npt.NDArray[np.floating[Any]], bias: float, meta: dict[str, Any]) -> None:
    """Write ``STEM.npz`` (weights, bias) and ``STEM.json`` (config, threshold, provenance)."""
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path_stem.with_suffix(".npz"), weights=weights.astype(np.float16), bias=np.array([bias]))
    path_stem.with_suffix(".json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load(path_stem: Path) -> ClaimModel:
    """Read a model written by :func:`save` (``allow_pickle=False``: a model file cannot run code)."""
    try:
        meta = json.loads(path_stem.with_suffix(".json").read_text(encoding="utf-8"))
        with np.load(path_stem.with_suffix(".npz"), allow_pickle=False) as arrays:
            weights = arrays["weights"].astype(np.float32)
            bias = float(arrays["bias"][0])
        config = FeatureConfig(**meta["features"])
        threshold = float(meta["threshold"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"cannot load claims model {path_stem}: {exc}") from exc
    if weights.shape != (config.size,):
        raise InputError(f"claims model {path_stem}: {weights.shape[0]} weights, config expects {config.size}")
    return ClaimModel(weights=weights, bias=bias, config=config, threshold=threshold, meta=meta)


@functools.cache
def shipped() -> ClaimModel:
    """The model that ships with factsift (loaded once per process)."""
    return load(DATA_DIR / MODEL_NAME)
