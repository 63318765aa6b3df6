"""Train the clickbait headline model (``factsift train clickbait --data DIR``).

Reads the Chakraborty et al. (2016) layout: ``clickbait_data.txt`` and ``non_clickbait_data.txt``,
one headline per line.  Headlines are de-duplicated, then split by a hash of the normalised
headline into train (80 %) and test (20 %); the test part is never looked at while choosing the
regularisation strength, which is picked on a dev slice of the training part.  The final model
is refitted on the whole training part and measured once on the test part with the same
plain-Python predictor that ships (:mod:`factsift.signals.clickbait_model`).
Needs scikit-learn (``pip install 'factsift[train]'``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factsift.errors import InputError
from factsift.ml.split import bucket
from factsift.signals.clickbait_features import headline_features, normalise
from factsift.signals.clickbait_model import ClickbaitModel, model_from_json

log = logging.getLogger(__name__)

POSITIVE_FILE = "clickbait_data.txt"
NEGATIVE_FILE = "non_clickbait_data.txt"
TEST_SHARE = 20  # percent of headlines held out for the final measurement
DEV_SHARE = 10  # percent of the remaining headlines used to choose C
C_GRID = (1.0, 3.0, 10.0, 30.0, 100.0)
MIN_DF = 2


@dataclass(frozen=True)
class Split:
    """Headlines and labels (1 = clickbait) of one part of the data."""

    headlines: list[str]
    labels: list[int]


def _bucket(headline: str, salt: str) -> int:
    return bucket(normalise(headline), 100, salt=salt)


def read_headlines(data: Path) -> tuple[list[str], list[int]]:
    """All distinct headlines in ``data`` with labels; a headline found in both files is dropped."""
    files = {POSITIVE_FILE: 1, NEGATIVE_FILE: 0}
    missing = [name for name in files if not (data / name).is_file()]
    if missing:
        raise InputError(f"{data} lacks {', '.join(missing)} (one headline per line)")
    seen: dict[str, tuple[str, set[int]]] = {}
    for name, label in files.items():
        for line in (data / name).read_text(encoding="utf-8", errors="replace").splitlines():
            headline = line.strip()
            if headline:
                key = normalise(headline)
                seen.setdefault(key, (headline, set()))[1].add(label)
    kept = [(headline, labels.pop()) for headline, labels in seen.values() if len(labels) == 1]
    return [h for h, _ in kept], [y for _, y in kept]


def split(headlines: list[str], labels: list[int]) -> tuple[Split, Split, Split]:
    """Deterministic train / dev / test split by hashed headline (dev is carved out of train)."""
    parts: dict[str, Split] = {name: Split([], []) for name in ("train", "dev", "test")}
    for headline, label in zip(headlines, labels, strict=True):
        if _bucket(headline, "test") < TEST_SHARE:
            name = "test"
        else:
            name = "dev" if _bucket(headline, "dev") < DEV_SHARE else "train"
        parts[name].headlines.append(headline)
        parts[name].labels.append(label)
    return parts["train"], parts["dev"], parts["test"]


def fit(train: Split, c: float) -> ClickbaitModel:
    """Fit tf-idf + logistic regression on ``train`` and convert it to the shipped model form."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InputError("training needs scikit-learn: pip install 'factsift[train]'") from exc
    vectorizer = TfidfVectorizer(analyzer=headline_features, min_df=MIN_DF, sublinear_tf=True, lowercase=False)
    matrix = vectorizer.fit_transform(train.headlines)
    classifier = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
    classifier.fit(matrix, train.labels)
    names = vectorizer.get_feature_names_out()
    return ClickbaitModel(
        idf={str(n): float(v) for n, v in zip(names, vectorizer.idf_, strict=True)},
        coef={str(n): float(v) for n, v in zip(names, classifier.coef_[0], strict=True)},
        intercept=float(classifier.intercept_[0]),
    )


def evaluate(model: ClickbaitModel, part: Split) -> dict[str, float]:
    """Accuracy, precision, recall and F1 (clickbait = positive) of ``model`` on ``part``."""
    tp = fp = tn = fn = 0
    for headline, label in zip(part.headlines, part.labels, strict=True):
        predicted = model.probability(headline) >= 0.5
        if predicted and label:
            tp += 1
        elif predicted:
            fp += 1
        elif label:
            fn += 1
        else:
            tn += 1
    total = max(1, tp + fp + tn + fn)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "accuracy": round((tp + tn) / total, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "n": tp + fp + tn + fn,
    }


def train(data: Path) -> tuple[ClickbaitModel, dict[str, Any]]:
    """Choose C on the dev slice, refit on train + dev, measure once on test; returns model and report."""
    headlines, labels = read_headlines(data)
    if len(set(labels)) < 2:
        raise InputError(f"{data}: need both clickbait and non-clickbait headlines")
    train_part, dev_part, test_part = split(headlines, labels)
    dev_scores: dict[str, float] = {}
    for c in C_GRID:
        dev_scores[str(c)] = evaluate(fit(train_part, c), dev_part)["accuracy"]
        log.info("C=%s dev accuracy %.4f", c, dev_scores[str(c)])
    best_c = max(C_GRID, key=lambda c: (dev_scores[str(c)], -c))
    full = Split(train_part.headlines + dev_part.headlines, train_part.labels + dev_part.labels)
    model = model_from_json(fit(full, best_c).to_json())  # measure exactly what ships (rounded weights)
    test = evaluate(model, test_part)
    report: dict[str, Any] = {
        "data": "Chakraborty et al. 2016, Stop Clickbait (clickbait_data.txt, non_clickbait_data.txt)",
        "headlines": len(headlines),
        "split": f"sha1(normalised headline): {TEST_SHARE}% test, {DEV_SHARE}% of the rest dev",
        "train_size": len(full.headlines),
        "test_size": len(test_part.headlines),
        "features": "word 1-2-grams + char 2-5-grams, sublinear tf-idf, min_df=2",
        "classifier": "logistic regression (liblinear, L2)",
        "C": best_c,
        "dev_accuracy_by_C": dev_scores,
        "test": test,
    }
    model = ClickbaitModel(idf=model.idf, coef=model.coef, intercept=model.intercept, meta=report)
    return model, report
