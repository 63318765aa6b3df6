"""Fit the risk model: text model, evidence model and Platt calibration on a held-out fold.

Needs scikit-learn and numpy (``pip install 'factsift[train]'``); scoring does not.

1. The training articles are split (by group, so FakeNewsAMT pairs stay together) into a fitting
   part and a calibration part (``calibration_share``).
2. Text model: logistic regression (L2, ``c_text``) over tf-idf n-grams, fitted on the fitting part.
   Its out-of-fold log-odds on the fitting part (``inner_folds``) are the ``text_model`` feature the
   evidence model learns from, so that model never sees the text model's in-sample confidence.
3. Evidence model: L2 logistic regression (``c_meta``) over the standardised named features.
4. Calibration: Platt scaling (a logistic fit of the label on the model's log-odds) on the held-out
   calibration part.  Platt keeps the model linear in log-odds, which is what makes the per-evidence
   contributions exact; isotonic calibration would not.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from factsift import __version__
from factsift.scoring.features import EVIDENCE_FEATURES, SOURCE_FEATURES, TEXT_FEATURE, impute, observed_means
from factsift.scoring.featurize import Example
from factsift.scoring.riskmodel import RiskModel
from factsift.scoring.textmodel import TextConfig, TextModel, terms


@dataclass(frozen=True)
class FitConfig:
    """Everything that decides a fitted model besides the data."""

    text: TextConfig | None = field(default_factory=lambda: TextConfig(word_ngrams=2, char_ngrams=0))
    use_source: bool = True
    balance_datasets: bool = False  # weight each dataset equally in the evidence model and calibration
    c_text: float = 2.0
    c_meta: float = 0.5
    max_terms: int = 60000
    min_df: int = 2
    inner_folds: int = 3
    calibration_share: float = 0.25
    seed: int = 0

    def describe(self) -> dict[str, Any]:
        return {
            "text": self.text.to_dict() if self.text else None,
            "use_source": self.use_source,
            "balance_datasets": self.balance_datasets,
            "c_text": self.c_text,
            "c_meta": self.c_meta,
            "max_terms": self.max_terms,
            "min_df": self.min_df,
            "inner_folds": self.inner_folds,
            "calibration_share": self.calibration_share,
            "seed": self.seed,
        }


#: The configurations the benchmark compares; the shipped model is the one that does best on the
#: outlet-disjoint and cross-dataset protocols (see bench/risk.py and README).
CANDIDATES: dict[str, FitConfig] = {
    "words": FitConfig(text=TextConfig(word_ngrams=2, char_ngrams=0)),
    "words+chars": FitConfig(text=TextConfig(word_ngrams=2, char_ngrams=4)),
    "words-strong-reg": FitConfig(text=TextConfig(word_ngrams=2, char_ngrams=0), c_text=0.5),
    "words-balanced": FitConfig(text=TextConfig(word_ngrams=2, char_ngrams=0), balance_datasets=True),
}
SHIPPED_CANDIDATE = "words-balanced"


def group_of(example: Example) -> str:
    """The split unit: the article's group (FakeNewsAMT pair) or the article itself."""
    return example.article.group or example.article.id


def bucket(key: str, seed: int, buckets: int) -> int:
    """A stable pseudo-random bucket for ``key`` (same on every machine and run)."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % buckets


def _features(config: FitConfig) -> tuple[str, ...]:
    names = [n for n in EVIDENCE_FEATURES if config.use_source or n not in SOURCE_FEATURES]
    if config.text is not None:
        names.append(TEXT_FEATURE)
    return tuple(names)


@dataclass
class TextFit:
    """A fitted text model and its out-of-fold log-odds on the rows it was fitted on."""

    model: TextModel
    oof: np.ndarray


def _fit_text_once(documents: Sequence[str], labels: np.ndarray, config: FitConfig) -> tuple[Any, Any]:
    assert config.text is not None
    text_config = config.text
    vectorizer = TfidfVectorizer(
        analyzer=lambda d: terms(d, text_config),
        sublinear_tf=True,
        min_df=config.min_df,
        max_features=config.max_terms,
        dtype=np.float64,
    )
    matrix = vectorizer.fit_transform(documents)
    classifier = LogisticRegression(C=config.c_text, max_iter=3000, class_weight="balanced")
    classifier.fit(matrix, labels)
    return vectorizer, classifier


def fit_text(examples: Sequence[Example], config: FitConfig) -> TextFit:
    """Fit the text model on ``examples`` and compute its out-of-fold log-odds on them."""
    assert config.text is not None
    documents = [e.document for e in examples]
    labels = np.array([e.article.label for e in examples])
    oof = np.zeros(len(examples))
    folds = np.array([bucket(group_of(e), config.seed + 1, config.inner_folds) for e in examples])
    for fold in range(config.inner_folds):
        test = folds == fold
        if test.all() or not test.any() or len(set(labels[~test])) < 2:
            continue
        vectorizer, classifier = _fit_text_once(
            [d for d, t in zip(documents, test, strict=True) if not t], labels[~test], config
        )
        oof[test] = classifier.decision_function(
            vectorizer.transform([d for d, t in zip(documents, test, strict=True) if t])
        )
    vectorizer, classifier = _fit_text_once(documents, labels, config)
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    idf = vectorizer.idf_
    coef = classifier.coef_[0]
    weights = {term: (float(idf[i]), float(coef[i])) for term, i in vocabulary.items()}
    model = TextModel(config=config.text, weights=weights, intercept=float(classifier.intercept_[0]))
    return TextFit(model=model, oof=oof)


def _matrix(rows: Sequence[dict[str, float]], names: Sequence[str]) -> np.ndarray:
    return np.array([[row.get(name, 0.0) for name in names] for row in rows], dtype=np.float64)


def fit(
    examples: Sequence[Example],
    config: FitConfig,
    *,
    text_fit: TextFit | None = None,
    trained_on: str = "",
) -> RiskModel:
    """Fit and calibrate a risk model on ``examples`` (pass ``text_fit`` to reuse a text model fitted on
    the same fitting part, as the benchmark's ablations do)."""
    split = np.array([bucket(group_of(e), config.seed, 1000) < config.calibration_share * 1000 for e in examples])
    fitting = [e for e, s in zip(examples, split, strict=True) if not s]
    calibration = [e for e, s in zip(examples, split, strict=True) if s]
    names = _features(config)
    y_fit = np.array([e.article.label for e in fitting])
    y_cal = np.array([e.article.label for e in calibration])

    text_model: TextModel | None = None
    fit_rows = [dict(e.values) for e in fitting]
    cal_rows = [dict(e.values) for e in calibration]
    if config.text is not None:
        text_fit = text_fit or fit_text(fitting, config)
        text_model = text_fit.model
        for row, value in zip(fit_rows, text_fit.oof, strict=True):
            row[TEXT_FEATURE] = float(value)
        for row, example in zip(cal_rows, calibration, strict=True):
            row[TEXT_FEATURE] = text_model.logit(example.document)

    imputation = observed_means(fit_rows, names)
    fit_rows = [impute(row, imputation) for row in fit_rows]
    cal_rows = [impute(row, imputation) for row in cal_rows]
    x_fit = _matrix(fit_rows, names)
    means = np.array([imputation[name] for name in names])
    scales = x_fit.std(axis=0)
    varying = scales > 1e-9
    scales[~varying] = 1.0
    meta = LogisticRegression(C=config.c_meta, max_iter=2000)
    meta.fit(((x_fit - means) / scales)[:, varying], y_fit, sample_weight=dataset_weights(fitting, config))
    std_weights = np.zeros(len(names))
    std_weights[varying] = meta.coef_[0]
    raw_weights = std_weights / scales
    raw_intercept = float(meta.intercept_[0])

    x_cal = _matrix(cal_rows, names)
    z_cal = raw_intercept + (x_cal - means) @ raw_weights
    a, b = platt(z_cal, y_cal, dataset_weights(calibration, config))
    labels_all = np.array([e.article.label for e in examples])
    return RiskModel(
        features=names,
        means=tuple(float(m) for m in means),
        weights=tuple(float(w) * a for w in raw_weights),
        intercept=a * raw_intercept + b,
        base_rate=float(labels_all.mean()),
        text=text_model,
        version=__version__,
        trained_on=trained_on,
        info={
            "config": config.describe(),
            "fitting_rows": len(fitting),
            "calibration_rows": len(calibration),
            "calibration": {"method": "platt", "a": round(a, 6), "b": round(b, 6)},
        },
    )


def dataset_weights(examples: Sequence[Example], config: FitConfig) -> np.ndarray | None:
    """Per-row weights giving every dataset the same total weight (None when not balancing)."""
    if not config.balance_datasets or not examples:
        return None
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.article.dataset] = counts.get(example.article.dataset, 0) + 1
    per_dataset = len(examples) / len(counts)
    return np.array([per_dataset / counts[e.article.dataset] for e in examples])


def platt(z: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, float]:
    """Platt scaling: ``a, b`` so that ``sigmoid(a * z + b)`` fits the labels (nearly unregularised)."""
    if len(set(y.tolist())) < 2:
        return 1.0, 0.0
    model = LogisticRegression(C=1e4, max_iter=1000)
    model.fit(z.reshape(-1, 1), y, sample_weight=weights)
    a = float(model.coef_[0][0])
    if not math.isfinite(a) or a <= 0:  # a model that ranks backwards on held-out data is not trusted
        return 1.0, 0.0
    return a, float(model.intercept_[0])


def without_source(config: FitConfig) -> FitConfig:
    """The ablation: the same configuration without the outlet-rating features."""
    return replace(config, use_source=False)


def without_text(config: FitConfig) -> FitConfig:
    """The ablation: the same configuration without the text model."""
    return replace(config, text=None)
