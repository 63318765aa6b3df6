"""The shipped clickbait model: a linear model over named word and character n-grams.

Stored as gzip-compressed JSON (feature names, idf weights, coefficients, intercept) so that
loading it never runs code, unlike a pickle.  Prediction reproduces scikit-learn's
``TfidfVectorizer(sublinear_tf=True)`` + ``LogisticRegression`` exactly, in plain Python.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from factsift.errors import InputError
from factsift.ml.logistic import sigmoid
from factsift.signals.clickbait_features import headline_features

MODEL_FORMAT = "factsift.clickbait/1"
MODEL_FILE = "clickbait.json.gz"


@dataclass(frozen=True)
class ClickbaitModel:
    """Vocabulary with its idf and coefficient per feature, plus the intercept and training metadata."""

    idf: dict[str, float]
    coef: dict[str, float]
    intercept: float
    meta: dict[str, Any] = field(default_factory=dict)

    def contributions(self, headline: str) -> tuple[float, dict[str, float]]:
        """The decision value and each known feature's share of it."""
        counts = Counter(f for f in headline_features(headline) if f in self.idf)
        values = {f: (1.0 + math.log(n)) * self.idf[f] for f, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        parts = {f: v / norm * self.coef.get(f, 0.0) for f, v in values.items()}
        return self.intercept + sum(parts.values()), parts

    def probability(self, headline: str) -> float:
        """The probability that ``headline`` is clickbait."""
        return sigmoid(self.contributions(headline)[0])

    def to_json(self) -> dict[str, Any]:
        """The model as plain JSON data (the shipped file format)."""
        names = sorted(self.idf)
        return {
            "format": MODEL_FORMAT,
            "meta": self.meta,
            "intercept": self.intercept,
            "features": names,
            "idf": [round(self.idf[n], 5) for n in names],
            "coef": [round(self.coef.get(n, 0.0), 5) for n in names],
        }

    def save(self, path: Path) -> None:
        """Write the model as gzip-compressed JSON."""
        payload = json.dumps(self.to_json(), separators=(",", ":"), ensure_ascii=False).encode()
        path.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))


def model_from_json(data: dict[str, Any]) -> ClickbaitModel:
    """Build a model from its JSON form, checking the format."""
    if data.get("format") != MODEL_FORMAT:
        raise InputError(f"not a factsift clickbait model (format {data.get('format')!r})")
    names, idf, coef = data["features"], data["idf"], data["coef"]
    if not (len(names) == len(idf) == len(coef)):
        raise InputError("corrupt clickbait model: feature, idf and coefficient lists differ in length")
    return ClickbaitModel(
        idf=dict(zip(names, map(float, idf), strict=True)),
        coef={n: float(c) for n, c in zip(names, coef, strict=True) if c},
        intercept=float(data["intercept"]),
        meta=dict(data.get("meta") or {}),
    )


def load_model(path: Path) -> ClickbaitModel:
    """Read a model file written by :meth:`ClickbaitModel.save`."""
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read clickbait model {path}: {exc}") from exc
    return model_from_json(data)


#: Environment variable naming a model file (from ``factsift train clickbait``) to use instead (read at the edge).
MODEL_ENV = "FACTSIFT_CLICKBAIT_MODEL"


@functools.cache
def shipped_model() -> ClickbaitModel:
    """The model that ships with factsift, loaded once per process (it never changes)."""
    ref = resources.files("factsift.signals").joinpath("data", MODEL_FILE)
    return model_from_json(json.loads(gzip.decompress(ref.read_bytes())))
