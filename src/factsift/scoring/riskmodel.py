"""The shipped risk model: a calibrated logistic model over named evidence features plus the text model.

The artifact is one gzipped JSON file (no pickle): feature names, their training means and scales,
Platt-calibrated weights, the text model's vocabulary and weights, the training base rate, and
where it came from.  Because the model is linear in log-odds, each feature's share of the score is
exact: ``weight * (value - training mean)``; :mod:`factsift.scoring.explain` turns those shares into
probability points.
"""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from factsift.scoring.features import TEXT_FEATURE, impute, warning_signs
from factsift.scoring.textmodel import TextModel

FORMAT = "factsift.risk-model/1"
DEFAULT_PATH = Path(__file__).parent / "data" / "risk-model.json.gz"


@dataclass(frozen=True)
class RiskModel:
    """Calibrated weights over ``features``; ``text`` is None when the model was trained without it."""

    FORMAT: ClassVar[str] = FORMAT

    features: tuple[str, ...]
    means: tuple[float, ...]
    weights: tuple[float, ...]  # per unit of the raw feature, after calibration
    intercept: float  # log-odds at the training means
    base_rate: float
    text: TextModel | None
    name: str = "factsift-risk"
    version: str = "1"
    trained_on: str = ""
    info: dict[str, Any] = field(default_factory=dict)

    def shares(self, values: dict[str, float]) -> dict[str, float]:
        """Each feature's share of the log-odds: ``weight * (value - reference)``.

        The reference is the training mean, except for the warning signs (``warning_signs()``), whose
        reference is their absence (0): a sign can only add to the risk, never lower it.  Values whose
        evidence is missing (see ``missing_groups()``) count as the training mean, and a sign that was not
        computed as absent: the missing-indicator carries that case, with whatever weight training gave it.
        """
        means = dict(zip(self.features, self.means, strict=True))
        signs = warning_signs()
        filled = impute(values, {name: mean for name, mean in means.items() if name not in signs})
        return {
            name: weight * (filled.get(name, mean) - (0.0 if name in signs else mean))
            for name, mean, weight in zip(self.features, self.means, self.weights, strict=True)
        }

    @property
    def base_log_odds(self) -> float:
        """The log-odds the shares start from: the training means, with every warning sign absent."""
        signs = warning_signs()
        return self.intercept - sum(
            weight * mean
            for name, mean, weight in zip(self.features, self.means, self.weights, strict=True)
            if name in signs
        )

    def log_odds(self, values: dict[str, float]) -> float:
        """Calibrated log-odds for feature ``values`` (missing names count as the training mean)."""
        return self.base_log_odds + sum(self.shares(values).values())

    @property
    def uses_text(self) -> bool:
        return self.text is not None and TEXT_FEATURE in self.features

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the whole model."""
        return {
            "format": FORMAT,
            "name": self.name,
            "version": self.version,
            "trained_on": self.trained_on,
            "features": list(self.features),
            "means": [round(m, 6) for m in self.means],
            "weights": [round(w, 6) for w in self.weights],
            "intercept": round(self.intercept, 6),
            "base_rate": round(self.base_rate, 6),
            "info": self.info,
            "text": self.text.to_dict() if self.text is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RiskModel:
        """Rebuild from :meth:`to_dict` output; raises ValueError for another format."""
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        features = tuple(str(f) for f in data["features"])
        means = tuple(float(m) for m in data["means"])
        weights = tuple(float(w) for w in data["weights"])
        if not (len(features) == len(means) == len(weights)):
            raise ValueError("risk model: features, means and weights differ in length")
        return cls(
            features=features,
            means=means,
            weights=weights,
            intercept=float(data["intercept"]),
            base_rate=float(data["base_rate"]),
            text=TextModel.from_dict(data["text"]) if data.get("text") else None,
            name=str(data.get("name", "factsift-risk")),
            version=str(data.get("version", "1")),
            trained_on=str(data.get("trained_on", "")),
            info=dict(data.get("info", {})),
        )

    @classmethod
    def load(cls, path: Path) -> RiskModel:
        """Read a model file written by :meth:`save`."""
        return read_model(path)

    @classmethod
    def shipped(cls) -> RiskModel:
        """The risk model that ships with factsift, loaded once per process."""
        return load_model()

    def save(self, path: Path) -> None:
        """Write the model as gzipped JSON (deterministic bytes for the same model)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True).encode()
        with path.open("wb") as handle, gzip.GzipFile(filename="", fileobj=handle, mode="wb", mtime=0) as gz:
            gz.write(raw)


def read_model(path: Path) -> RiskModel:
    """Load a model file written by :meth:`RiskModel.save`."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return RiskModel.from_dict(json.load(handle))


@functools.cache
def _shipped() -> RiskModel:
    return read_model(DEFAULT_PATH)


def load_model(path: Path | None = None) -> RiskModel:
    """The risk model at ``path``, read now, or the shipped one (loaded once per process: it never changes)."""
    return read_model(Path(path)) if path else _shipped()
