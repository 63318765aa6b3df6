"""The stance classifier at run time: features through a small MLP, temperature-calibrated, numpy only.

The MLP's input is a pair's feature row (:mod:`factsift.stance.features`) beside two bags of words,
the text's and the claim's (counts of the ``bow_vocabulary`` stems, unit length), as in the FNC-1
baseline of Riedel et al. (2017). The first layer's share of a bag is computed once per distinct text
or claim in a batch, so scoring many claims against one article costs little more than one.
Weights live in ``<stem>.npz`` (idf vocabulary, bag-of-words vocabulary, feature scaling, layer
weights) beside ``<stem>.json`` (labels, calibration, thresholds, training figures).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from factsift.errors import InputError
from factsift.stance.features import FEATURE_NAMES, pair_features
from factsift.stance.passages import ClaimInfo, TextInfo, analyse_claim, analyse_text
from factsift.vocabulary import STANCE_LABELS, StanceLabel

#: The four labels in the order of the model's outputs.
LABELS: tuple[StanceLabel, ...] = STANCE_LABELS
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


Bag = tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]


def bag_of_words(counts: Mapping[str, int], index: Mapping[str, int]) -> Bag:
    """Vocabulary indices and unit-length counts of the stems in ``index``."""
    found = [(index[s], count) for s, count in counts.items() if s in index]
    positions = np.asarray([i for i, _ in found], dtype=np.int64)
    values = np.asarray([c for _, c in found], dtype=np.float64)
    if len(values):
        values /= np.linalg.norm(values)
    return positions, values


@dataclass(frozen=True)
class Encoded:
    """A batch of pairs ready for the MLP: feature rows, which distinct text and claim each pair has, their bags."""

    rows: npt.NDArray[np.float64]
    text_ids: npt.NDArray[np.int64]
    claim_ids: npt.NDArray[np.int64]
    text_bags: list[Bag]
    claim_bags: list[Bag]
    spans: list[tuple[int, int]]


@dataclass(frozen=True)
class StanceModel:
    """A trained stance model: vocabulary, feature scaling, MLP layers and calibration."""

    idf: dict[str, float]
    default_idf: float
    bow_index: dict[str, int]
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
                bow_index={word: i for i, word in enumerate(arrays["bow_vocabulary"].tolist())}
                if "bow_vocabulary" in arrays
                else {},
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
            bow_vocabulary=np.asarray(sorted(self.bow_index, key=self.bow_index.__getitem__), dtype=str),
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

    def logits(self, encoded: Encoded) -> npt.NDArray[np.float64]:
        """Uncalibrated class logits (ReLU hidden layers; each bag's first-layer share computed once)."""
        first = self.weights[0]
        width = encoded.rows.shape[1]
        hidden = ((encoded.rows - self.mean) / self.scale) @ first[:width] + self.biases[0]
        if self.bow_index:
            size = len(self.bow_index)
            for bags, ids, offset in (
                (encoded.text_bags, encoded.text_ids, width),
                (encoded.claim_bags, encoded.claim_ids, width + size),
            ):
                shares = np.stack([values @ first[offset + positions] for positions, values in bags])
                hidden += shares[ids]
        for weight, bias in zip(self.weights[1:], self.biases[1:], strict=True):
            hidden = np.maximum(hidden, 0.0) @ weight + bias
        return hidden

    def probabilities(self, encoded: Encoded) -> npt.NDArray[np.float64]:
        """Calibrated probabilities, one row per pair, columns in :data:`LABELS` order."""
        return calibrated(self.logits(encoded), self.temperature, self.class_bias)

    def encode(self, pairs: Sequence[tuple[str, str]]) -> Encoded:
        """Feature rows, bags and passage spans of the pairs (each distinct claim and text analysed once)."""
        texts: dict[str, tuple[int, TextInfo]] = {}
        claims: dict[str, tuple[int, ClaimInfo]] = {}
        rows = np.empty((len(pairs), len(FEATURE_NAMES)), dtype=np.float64)
        text_ids = np.empty(len(pairs), dtype=np.int64)
        claim_ids = np.empty(len(pairs), dtype=np.int64)
        text_bags: list[Bag] = []
        claim_bags: list[Bag] = []
        spans: list[tuple[int, int]] = []
        for index, (claim, text) in enumerate(pairs):
            if not isinstance(claim, str) or not isinstance(text, str):
                raise InputError(f"pair {index}: claim and text must both be strings")
            if text not in texts:
                text_info = analyse_text(text)
                texts[text] = (len(text_bags), text_info)
                text_bags.append(bag_of_words(text_info.stem_counts, self.bow_index))
            if claim not in claims:
                claim_info = analyse_claim(claim, self.idf, self.default_idf)
                claims[claim] = (len(claim_bags), claim_info)
                claim_bags.append(bag_of_words(claim_info.stem_counts, self.bow_index))
            text_ids[index], text_info = texts[text]
            claim_ids[index], claim_info = claims[claim]
            found = pair_features(claim_info, text_info, self.idf, self.default_idf)
            rows[index] = found.row
            passage = text_info.sentences[found.passage]
            spans.append((passage.start, passage.end))
        return Encoded(rows, text_ids, claim_ids, text_bags, claim_bags, spans)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[StanceResult]:
        """The stance of each (claim, text) pair, in input order."""
        if not pairs:
            return []
        encoded = self.encode(pairs)
        probabilities = self.probabilities(encoded)
        results = []
        for row, (start, end) in zip(probabilities.tolist(), encoded.spans, strict=True):
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
