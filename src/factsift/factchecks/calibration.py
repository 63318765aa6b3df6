"""The match score: a logistic model over a candidate's similarity features, fitted on labelled pairs.

Two models ship in ``data/calibration.json``: ``bm25`` (keyword features only, used when no
embedding model is installed) and ``hybrid`` (plus cosine similarity).  Each gives a calibrated
probability that a stored fact-check reviews the same claim as the query, and a display threshold
below which a match is not shown.  ``factsift train factchecks`` refits them (:mod:`.training`).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from factsift.ml.logistic import sigmoid, sigmoid_array

# Features that do not depend on the store's size (raw BM25 grows with the collection's IDF): BM25 combined
# and per field relative to the best candidate, ranks and their fusion, word overlap both ways with claim and
# title, shared numbers, length ratio, and cosine per field (absolute and behind the best candidate).
BM25_FEATURES = (
    "bm25_rel",
    "bm25_claim_rel",
    "bm25_title_rel",
    "rrf",
    "inv_rank_keyword",
    "doc_covered",
    "query_covered",
    "title_covered",
    "query_covered_title",
    "numbers_shared",
    "length_ratio",
)
HYBRID_FEATURES = (
    *BM25_FEATURES,
    "inv_rank_dense",
    "cosine",
    "cosine_gap",
    "cosine_claim",
    "cosine_title",
    "cosine_claim_gap",
    "cosine_title_gap",
)
# The re-ranker's combining model: the hybrid score's logit and the cross-encoder's logit (see .reranker).
RERANK_FEATURES = ("base_logit", "cross_encoder")
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class LogisticModel:
    """Standardised logistic regression: ``p = sigmoid(intercept + coef · (x - mean) / scale)``."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = DEFAULT_THRESHOLD

    def probability(self, values: dict[str, float]) -> float:
        """The calibrated match probability for one candidate's features."""
        z = self.intercept
        for name, mean, scale, coef in zip(self.features, self.mean, self.scale, self.coef, strict=True):
            z += coef * (values.get(name, 0.0) - mean) / scale
        return sigmoid(z)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (no pickle: users may point factsift at their own calibration file)."""
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogisticModel:
        """Read a model written by :meth:`to_dict`."""
        return cls(
            features=tuple(str(f) for f in data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            coef=tuple(float(v) for v in data["coef"]),
            intercept=float(data["intercept"]),
            threshold=float(data.get("threshold", DEFAULT_THRESHOLD)),
        )


@dataclass(frozen=True)
class Calibration:
    """The two shipped scoring models and what they were fitted on."""

    bm25: LogisticModel
    hybrid: LogisticModel
    trained_on: str = ""
    embedding_model: str | None = None
    rerank: LogisticModel | None = None  # combines the hybrid score with the cross-encoder's (see .reranker)
    rerank_top: int = 3  # how many of the best hybrid candidates the cross-encoder re-orders

    def model_for(self, dense: bool) -> LogisticModel:
        """The hybrid model when cosine similarity is available, else the keyword-only one."""
        return self.hybrid if dense else self.bm25

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "format": "factsift.factchecks.calibration/1",
            "trained_on": self.trained_on,
            "embedding_model": self.embedding_model,
            "bm25": self.bm25.to_dict(),
            "hybrid": self.hybrid.to_dict(),
            **({"rerank": {**self.rerank.to_dict(), "top": self.rerank_top}} if self.rerank is not None else {}),
        }


def fit_logistic(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], features: tuple[str, ...], *, l2: float = 1.0
) -> LogisticModel:
    """Fit a standardised L2-regularised logistic regression by Newton's method (small data, exact and fast)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    design = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    weights = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = sigmoid_array(design @ weights)
        gradient = design.T @ (p - y) + penalty * weights
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return LogisticModel(
        features=features,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in weights[1:]),
        intercept=float(weights[0]),
    )


def parse_calibration(data: dict[str, Any]) -> Calibration:
    """Read a calibration document (as written by ``factsift train factchecks``)."""
    return Calibration(
        bm25=LogisticModel.from_dict(data["bm25"]),
        hybrid=LogisticModel.from_dict(data["hybrid"]),
        trained_on=str(data.get("trained_on", "")),
        embedding_model=data.get("embedding_model"),
        rerank=LogisticModel.from_dict(data["rerank"]) if data.get("rerank") else None,
        rerank_top=int(data["rerank"].get("top", 3)) if data.get("rerank") else 3,
    )


@functools.cache
def _shipped() -> Calibration:
    text = resources.files("factsift.factchecks").joinpath("data/calibration.json").read_text(encoding="utf-8")
    return parse_calibration(json.loads(text))


def load_calibration(path: Path | None = None) -> Calibration:
    """The user's calibration file at ``path`` (``[factchecks] calibration``), read now, else the shipped one
    (loaded once per process: it never changes)."""
    if path is None:
        return _shipped()
    return parse_calibration(json.loads(Path(path).read_text(encoding="utf-8")))
