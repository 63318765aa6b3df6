"""Train the stance model on FNC-1 plus derived claim pairs, calibrate it and measure it on a body-disjoint dev split.

Splits are fixed by hashing: FNC-1 pairs by body id, derived pairs by the claim they came from, so no
article body (or claim) is in two splits. Shares: 60% train, 10% calibration, 15% dev, 15% test. The
MLP is fitted on train (scikit-learn, training only), its temperature and per-class biases on the
calibration split, and every figure is measured on dev; the test split is scored only when asked.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from factsift.errors import InputError
from factsift.ml.split import position
from factsift.stance.features import FEATURE_NAMES
from factsift.stance.model import LABELS, Bag, Encoded, StanceModel, calibrated
from factsift.stance.pairs import derive, in_articles, read_claims
from factsift.stance.passages import is_content, stem, tokens

SPLITS = (("train", 0.60), ("calib", 0.70), ("dev", 0.85), ("test", 1.0))
HIDDEN = (64,)
#: Stems in each bag of words (the text's and the claim's).
BOW_SIZE = 3000
#: Precision the exported agree/disagree thresholds must reach on the calibration split.
THRESHOLD_PRECISION = 0.8


@dataclass(frozen=True)
class Example:
    """A labelled pair with its split and source ("fnc1" or "derived")."""

    claim: str
    text: str
    label: str
    split: str
    source: str


def split_of(key: str) -> str:
    """The split a group key falls in (stable across runs and machines)."""
    where = position(key)
    return next(name for name, upper in SPLITS if where < upper)


def read_fnc(folder: Path) -> list[Example]:
    """FNC-1 headline-body pairs, split by body id."""
    bodies_path, stances_path = folder / "train_bodies.csv", folder / "train_stances.csv"
    if not bodies_path.is_file() or not stances_path.is_file():
        raise InputError(f"{folder} must hold FNC-1's train_bodies.csv and train_stances.csv")
    with bodies_path.open(encoding="utf-8") as handle:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}
    with stances_path.open(encoding="utf-8") as handle:
        return [
            Example(row["Headline"], bodies[row["Body ID"]], row["Stance"], split_of(f"fnc1:{row['Body ID']}"), "fnc1")
            for row in csv.DictReader(handle)
        ]


def read_derived(claims_folder: Path) -> list[Example]:
    """Derived sentence pairs (see :mod:`factsift.stance.pairs`), split by source claim."""
    claims = read_claims(claims_folder)
    if len(claims) < 2:
        raise InputError(
            f"no claims found under {claims_folder} (expected liar/, checkthat2020_t2/ or checkthat2021_t2b/)"
        )
    sentences = list(derive(claims))
    return [
        Example(p.claim, p.text, p.label, split_of(f"claim:{p.group.lower()}"), source)
        for source, pairs in (("derived", sentences), ("derived_articles", list(in_articles(sentences, claims))))
        for p in pairs
    ]


def vocabularies(documents: Sequence[str]) -> tuple[dict[str, float], float, dict[str, int]]:
    """Smoothed idf of every stem in at least two documents, the idf of unseen stems, and the bag-of-words index.

    The bag-of-words vocabulary is the :data:`BOW_SIZE` stems found in most documents.
    """
    frequency: Counter[str] = Counter()
    for document in documents:
        frequency.update({stem(word) for word in tokens(document) if is_content(word)})
    count = len(documents)
    idf = {s: math.log((count + 1) / (df + 1)) + 1 for s, df in frequency.items() if df >= 2}
    bow_index = {s: i for i, (s, _) in enumerate(frequency.most_common(BOW_SIZE))}
    return idf, math.log(count + 1) + 1, bow_index


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """FNC-1 relative score: 0.25 for related/unrelated right, 0.75 more for the right related label, over the best."""
    score = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            score += 0.25 if g == "unrelated" else 1.0
        elif g != "unrelated" and p != "unrelated":
            score += 0.25
    return score / best if best else 0.0


def expected_calibration_error(
    probabilities: npt.NDArray[np.float64], gold: npt.NDArray[np.int64], bins: int = 10
) -> tuple[float, list[dict[str, float]]]:
    """ECE of the top-label confidence over equal-width bins, with the reliability diagram's rows."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == gold
    ece = 0.0
    diagram = []
    for low in np.linspace(0.0, 1.0, bins, endpoint=False):
        high = low + 1.0 / bins
        inside = (confidence > low) & (confidence <= high)
        if not inside.any():
            continue
        accuracy, mean_confidence = float(correct[inside].mean()), float(confidence[inside].mean())
        ece += inside.mean() * abs(accuracy - mean_confidence)
        diagram.append(
            {
                "low": round(float(low), 2),
                "high": round(float(high), 2),
                "count": int(inside.sum()),
                "confidence": round(mean_confidence, 4),
                "accuracy": round(accuracy, 4),
            }
        )
    return float(ece), diagram


def evaluate(probabilities: npt.NDArray[np.float64], gold_labels: Sequence[str], fnc: bool) -> dict[str, Any]:
    """Macro-F1, per-class F1, confusion matrix, ECE and reliability diagram (and the FNC-1 score when ``fnc``)."""
    from sklearn.metrics import confusion_matrix, f1_score

    gold = np.asarray([LABELS.index(label) for label in gold_labels])  # type: ignore[arg-type]
    predicted = probabilities.argmax(axis=1)
    per_class = f1_score(gold, predicted, labels=range(len(LABELS)), average=None, zero_division=0)
    ece, diagram = expected_calibration_error(probabilities, gold)
    figures: dict[str, Any] = {
        "pairs": len(gold),
        "accuracy": round(float((gold == predicted).mean()), 4),
        "macro_f1": round(float(per_class.mean()), 4),
        "f1": {label: round(float(f), 4) for label, f in zip(LABELS, per_class, strict=True)},
        "confusion": {
            "rows_gold_columns_predicted": list(LABELS),
            "matrix": confusion_matrix(gold, predicted, labels=range(len(LABELS))).tolist(),
        },
        "ece": round(ece, 4),
        "reliability": diagram,
    }
    if fnc:
        figures["fnc_relative_score"] = round(fnc_score(gold_labels, [LABELS[i] for i in predicted]), 4)
    return figures


def fit_calibration(
    logits: npt.NDArray[np.float64], gold: npt.NDArray[np.int64]
) -> tuple[float, npt.NDArray[np.float64]]:
    """Temperature and per-class biases minimising the calibration split's negative log-likelihood."""
    from scipy.optimize import minimize

    def loss(params: npt.NDArray[np.float64]) -> float:
        probabilities = calibrated(logits, math.exp(params[0]), params[1:])
        return float(-np.log(probabilities[np.arange(len(gold)), gold] + 1e-12).mean())

    found = minimize(
        loss, np.zeros(1 + len(LABELS)), method="Nelder-Mead", options={"maxiter": 4000, "xatol": 1e-4, "fatol": 1e-7}
    )
    return math.exp(float(found.x[0])), np.asarray(found.x[1:], dtype=np.float64)


def precision_threshold(scores: npt.NDArray[np.float64], positive: npt.NDArray[np.bool_], precision: float) -> float:
    """The lowest score threshold at which the pairs above it reach ``precision`` (0.5 when none does)."""
    order = np.argsort(-scores)
    hits = np.cumsum(positive[order])
    ranks = np.arange(1, len(order) + 1)
    good = np.nonzero(hits / ranks >= precision)[0]
    good = good[hits[good] >= 10]
    return round(float(scores[order][good.max()]), 3) if len(good) else 0.5


def design_matrix(model: StanceModel, encoded: Encoded) -> Any:
    """The MLP's input as a sparse matrix: scaled feature rows, then the text's and the claim's bags."""
    from scipy import sparse

    def bags(found: list[Bag], ids: npt.NDArray[np.int64]) -> Any:
        pointers = np.cumsum([0, *(len(positions) for positions, _ in found)])
        matrix = sparse.csr_matrix(
            (
                np.concatenate([values for _, values in found]),
                np.concatenate([positions for positions, _ in found]),
                pointers,
            ),
            shape=(len(found), len(model.bow_index)),
        )
        return matrix[ids]

    scaled = sparse.csr_matrix((encoded.rows - model.mean) / model.scale)
    return sparse.hstack(
        [scaled, bags(encoded.text_bags, encoded.text_ids), bags(encoded.claim_bags, encoded.claim_ids)]
    ).tocsr()


def train(
    fnc_folder: Path,
    claims_folder: Path | None,
    stem_path: Path,
    score_test: bool = False,
    seed: int = 16,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train, calibrate, evaluate on dev (and on test when ``score_test``), write the model; return its metadata."""
    from sklearn.neural_network import MLPClassifier

    examples = read_fnc(fnc_folder) + (read_derived(claims_folder) if claims_folder is not None else [])
    log(
        f"{len(examples)} pairs: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter((e.source, e.split) for e in examples).items()))
    )
    training_texts = {e.text for e in examples if e.split == "train"} | {
        e.claim for e in examples if e.split == "train"
    }
    idf, default_idf, bow_index = vocabularies(sorted(training_texts))
    width = len(FEATURE_NAMES)
    model = StanceModel(
        idf, default_idf, bow_index, np.zeros(width), np.ones(width), (), (), 1.0, np.zeros(len(LABELS)), {}
    )
    log(f"vocabulary {len(idf)} stems, bags of {len(bow_index)}; building features")
    encoded = model.encode([(e.claim, e.text) for e in examples])
    gold = np.asarray([LABELS.index(e.label) for e in examples])  # type: ignore[arg-type]
    split = np.asarray([e.split for e in examples])
    source = np.asarray([e.source for e in examples])

    train_mask = split == "train"
    mean, scale = encoded.rows[train_mask].mean(axis=0), encoded.rows[train_mask].std(axis=0) + 1e-6
    model = replace(model, mean=mean, scale=scale)
    inputs = design_matrix(model, encoded)
    counts = np.bincount(gold[train_mask], minlength=len(LABELS))
    class_weight = np.sqrt(counts.max() / np.maximum(counts, 1))
    log(f"fitting MLP {HIDDEN} on {int(train_mask.sum())} pairs; class weights {np.round(class_weight, 2).tolist()}")
    mlp = MLPClassifier(hidden_layer_sizes=HIDDEN, alpha=1e-3, max_iter=60, early_stopping=True, random_state=seed)
    mlp.fit(inputs[train_mask], gold[train_mask], sample_weight=class_weight[gold[train_mask]])
    model = replace(
        model,
        weights=tuple(np.asarray(w, dtype=np.float64) for w in mlp.coefs_),
        biases=tuple(np.asarray(b, dtype=np.float64) for b in mlp.intercepts_),
    )
    logits = model.logits(encoded)
    calib_mask = split == "calib"
    temperature, class_bias = fit_calibration(logits[calib_mask], gold[calib_mask])
    model = replace(model, temperature=temperature, class_bias=class_bias)
    probabilities = calibrated(logits, temperature, class_bias)
    thresholds = {
        label: max(
            precision_threshold(
                probabilities[calib_mask & (source == kind), LABELS.index(label)],
                gold[calib_mask & (source == kind)] == LABELS.index(label),
                THRESHOLD_PRECISION,
            )
            for kind in ("fnc1", "derived")
        )
        for label in ("agree", "disagree")
    }
    log(
        f"calibration: temperature {temperature:.3f}, class bias {np.round(class_bias, 3).tolist()}, "
        f"thresholds {thresholds}"
    )

    def figures(name: str) -> dict[str, Any]:
        result = {}
        for kind in ("fnc1", "derived", "derived_articles"):
            mask = (split == name) & (source == kind)
            if mask.any():
                result[kind] = evaluate(probabilities[mask], [LABELS[i] for i in gold[mask]], fnc=kind == "fnc1")
        return result

    meta: dict[str, Any] = {
        "description": f"MLP {HIDDEN} over {width} lexical stance features and text and claim bags of "
        f"{len(bow_index)} stems, temperature and per-class bias calibrated",
        "training": {
            "fnc1": str(fnc_folder),
            "claims": str(claims_folder) if claims_folder else None,
            "pairs": {
                f"{k[0]}/{k[1]}": v
                for k, v in sorted(Counter(zip(source.tolist(), split.tolist(), strict=True)).items())
            },
            "seed": seed,
            "iterations": int(mlp.n_iter_),
        },
        "thresholds": thresholds,
        "threshold_rule": f"lowest calibrated score with precision >= {THRESHOLD_PRECISION} on the calibration "
        "split, the higher of FNC-1 and derived sentence pairs",
        "dev": figures("dev"),
    }
    if score_test:
        meta["test"] = figures("test")
    model = replace(model, meta=meta)
    model.save(stem_path)
    return meta
