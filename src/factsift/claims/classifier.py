"""The shipped check-worthiness model: hashed features, one weight per slot, a logistic output.

The model is two small files without pickle: ``claims-model.npz`` (``weights`` float16, ``bias``
and, when trained with word vectors, ``words`` and ``word_scores``: each word's learned share of
the mean-vector block, see :mod:`factsift.claims.embeddings`) and ``claims-model.json`` (feature
config, threshold, provenance and held-out figures). Scoring needs only numpy; the model is
loaded once per process.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from factsift.claims.features import FeatureConfig, embedding_tokens, feature_rows
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
    word_scores: dict[str, float] = field(default_factory=dict)

    def score(self, text: str) -> float:
        """Check-worthiness of one sentence in [0, 1] (the model's probability of CFS)."""
        return self.score_many([text])[0]

    def score_many(self, texts: list[str]) -> list[float]:
        """Check-worthiness of each sentence, in order (one vectorised pass: score an article at once)."""
        if not texts:
            return []
        found = feature_rows(texts, self.config)
        margins = np.full(len(texts), self.bias)
        margins += np.bincount(
            found.rows, weights=self.weights[found.slots].astype(np.float64) * found.values, minlength=len(texts)
        )
        if self.word_scores:
            for row, text in enumerate(texts):
                known = [
                    self.word_scores[w] for w in embedding_tokens(text, self.config.names) if w in self.word_scores
                ]
                if known:
                    margins[row] += sum(known) / len(known)
        return [1.0 / (1.0 + math.exp(-m)) if m > -500 else 0.0 for m in margins.tolist()]


def _file(path_stem: Path, suffix: str) -> Path:
    return path_stem.with_name(path_stem.name + suffix)


def save(
    path_stem: Path,
    weights: npt.NDArray[np.floating[Any]],
    bias: float,
    meta: dict[str, Any],
    word_scores: dict[str, float] | None = None,
) -> None:
    """Write ``STEM.npz`` (weights, bias, per-word scores) and ``STEM.json`` (config, threshold, provenance)."""
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, npt.NDArray[Any]] = {"weights": weights.astype(np.float16), "bias": np.array([bias])}
    if word_scores:
        arrays["words"] = np.frombuffer("\n".join(word_scores).encode("utf-8"), dtype=np.uint8)
        arrays["word_scores"] = np.array(list(word_scores.values()), dtype=np.float16)
    np.savez_compressed(_file(path_stem, ".npz"), **arrays)  # type: ignore[arg-type]
    _file(path_stem, ".json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load(path_stem: Path) -> ClaimModel:
    """Read a model written by :func:`save` (``allow_pickle=False``: a model file cannot run code)."""
    try:
        meta = json.loads(_file(path_stem, ".json").read_text(encoding="utf-8"))
        with np.load(_file(path_stem, ".npz"), allow_pickle=False) as arrays:
            weights = arrays["weights"].astype(np.float32)
            bias = float(arrays["bias"][0])
            word_scores: dict[str, float] = {}
            if "words" in arrays.files:
                words = arrays["words"].astype(np.uint8).tobytes().decode("utf-8").split("\n")
                scores = arrays["word_scores"].astype(np.float32).tolist()
                if len(words) != len(scores):
                    raise ValueError(f"{len(words)} words but {len(scores)} word scores")
                word_scores = dict(zip(words, scores, strict=True))
        config = FeatureConfig(**meta["features"])
        threshold = float(meta["threshold"])
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot load claims model {path_stem}: {exc}") from exc
    if weights.shape != (config.size,):
        raise InputError(f"claims model {path_stem}: {weights.shape[0]} weights, config expects {config.size}")
    return ClaimModel(
        weights=weights, bias=bias, config=config, threshold=threshold, meta=meta, word_scores=word_scores
    )


def stem_of(path: Path) -> Path:
    """The path stem of a model pair, whether given as ``STEM``, ``STEM.npz`` or ``STEM.json``."""
    return path.with_suffix("") if path.suffix in {".npz", ".json"} else path


@functools.cache
def load_cached(path: Path) -> ClaimModel:
    """:func:`load`, once per process and path (a user's model used for many articles)."""
    return load(stem_of(path))


@functools.cache
def shipped() -> ClaimModel:
    """The model that ships with factsift (loaded once per process)."""
    return load(DATA_DIR / MODEL_NAME)
