"""The stance classifier at run time: feature rows through a small MLP, temperature-calibrated, numpy only.

Weights live in ``<stem>.npz`` (vocabulary and inverse document frequencies, feature scaling, layer
weights) beside ``<stem>.json`` (labels, calibration, thresholds, training figures). Texts and claims
repeated within a batch are analysed once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt

from factsift.errors import InputError
from factsift.stance.features import FEATURE_NAMES, pair_features
from factsift.stance.passages import ClaimInfo, TextInfo, analyse_claim, analyse_text

StanceLabel = Literal["agree", "disagree", "discuss", "unrelated"]
#: The four labels in the order of the model's outputs.
LABELS: tuple[StanceLabel, ...] = ("agree", "disagree", "discuss", "unrelated")
SHIPPED = Path(__file__).resolve().parent / "data" / "stance-model"


@dataclass(frozen=True)
class StanceResult:
    """The stance of a text towards a claim, with the span of the passage that speaks to it."""

    label: StanceLabel
    scores: dict[str, float]
    start: int
    end: int

    def passage(self, text: str) -> str:
        """The passage of ``text`` this result's span points at."""
        return text[self.start : self.end]


@dataclass(frozen=True)
class StanceModel:
    """A trained stance model: vocabulary, feature scaling, MLP layers and calibration."""

    idf: dict[str, float]
    default_idf: float
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    weights: tuple[npt.NDArray[np.float64], ...]
    biases: tuple[npt.NDArray[np.float64], ...]
    temperature: float
    class_bias: npt.NDArray[np.float64]
    meta: dict[str, Any]

    @classmethod
    def load(cls, stem: Path = SHIPPED) -> StanceModel:
        """Read ``<stem>.npz`` and ``<stem>.json`` (a clear error when either is missing or mismatched)."""
        npz_path, json_path = stem.with_suffix(".npz"), stem.with_suffix(".json")
        if not npz_path.is_file() or not json_path.is_file():
            raise InputError(f"no stance model at {stem} (expected {npz_path.name} and {json_path.name})")
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        if tuple(meta["features"]) != FEATURE_NAMES or tuple(meta["labels"]) != LABELS:
            raise InputError(f"the stance model at {stem} was trained on other features or labels; retrain it")
        with np.load(npz_path, allow_pickle=False) as arrays:
            layers = int(arrays["layers"])
            return cls(
                idf=dict(zip(arrays["vocabulary"].tolist(), arrays["idf"].tolist(), strict=True)),
                default_idf=float(arrays["default_idf"]),
                mean=arrays["mean"],
                scale=arrays["scale"],
                weights=tuple(arrays[f"w{i}"] for i in range(layers)),
                biases=tuple(arrays[f"b{i}"] for i in range(layers)),
                temperature=float(meta["calibration"]["temperature"]),
                class_bias=np.asarray(meta["calibration"]["class_bias"], dtype=np.float64),
                meta=meta,
            )

    def save(self, stem: Path) -> None:
        """Write ``<stem>.npz`` and ``<stem>.json``."""
        stem.parent.mkdir(parents=True, exist_ok=True)
        vocabulary = sorted(self.idf)
        layers: dict[str, Any] = {f"w{i}": w for i, w in enumerate(self.weights)}
        layers |= {f"b{i}": b for i, b in enumerate(self.biases)}
        np.savez_compressed(
            stem.with_suffix(".npz"),
            vocabulary=np.asarray(vocabulary, dtype=str),
            idf=np.asarray([self.idf[word] for word in vocabulary], dtype=np.float32),
            default_idf=np.float64(self.default_idf),
            mean=self.mean,
            scale=self.scale,
            layers=np.int64(len(self.weights)),
            **layers,
        )
        meta = self.meta | {
            "features": list(FEATURE_NAMES),
            "labels": list(LABELS),
            "calibration": {"temperature": self.temperature, "class_bias": self.class_bias.tolist()},
        }
        stem.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    def logits(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Uncalibrated class logits of scaled feature rows (ReLU hidden layers)."""
        hidden = (rows - self.mean) / self.scale
        for weight, bias in zip(self.weights[:-1], self.biases[:-1], strict=True):
            hidden = np.maximum(hidden @ weight + bias, 0.0)
        logits: npt.NDArray[np.float64] = hidden @ self.weights[-1] + self.biases[-1]
        return logits

    def probabilities(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Calibrated probabilities, one row per feature row, columns in :data:`LABELS` order."""
        return calibrated(self.logits(rows), self.temperature, self.class_bias)

    def features(self, pairs: Sequence[tuple[str, str]]) -> tuple[npt.NDArray[np.float64], list[tuple[int, int]]]:
        """Feature rows and passage spans of the pairs (each distinct claim and text analysed once)."""
        texts: dict[str, TextInfo] = {}
        claims: dict[str, ClaimInfo] = {}
        rows = np.empty((len(pairs), len(FEATURE_NAMES)), dtype=np.float64)
        spans: list[tuple[int, int]] = []
        for index, (claim, text) in enumerate(pairs):
            if not isinstance(claim, str) or not isinstance(text, str):
                raise InputError(f"pair {index}: claim and text must both be strings")
            text_info = texts.get(text)
            if text_info is None:
                text_info = texts[text] = analyse_text(text)
            claim_info = claims.get(claim)
            if claim_info is None:
                claim_info = claims[claim] = analyse_claim(claim, self.idf, self.default_idf)
            found = pair_features(claim_info, text_info, self.idf, self.default_idf)
            rows[index] = found.row
            passage = text_info.sentences[found.passage]
            spans.append((passage.start, passage.end))
        return rows, spans

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[StanceResult]:
        """The stance of each (claim, text) pair, in input order."""
        if not pairs:
            return []
        rows, spans = self.features(pairs)
        probabilities = self.probabilities(rows)
        results = []
        for row, (start, end) in zip(probabilities.tolist(), spans, strict=True):
            best = max(range(len(LABELS)), key=row.__getitem__)
            results.append(
                StanceResult(
                    label=LABELS[best],
                    scores={label: float(p) for label, p in zip(LABELS, row, strict=True)},
                    start=start,
                    end=end,
                )
            )
        return results


def calibrated(
    logits: npt.NDArray[np.float64], temperature: float, class_bias: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Softmax of ``logits / temperature + class_bias`` (rows sum to 1)."""
    scaled = logits / temperature + class_bias
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return cast(npt.NDArray[np.float64], exp / exp.sum(axis=1, keepdims=True))
