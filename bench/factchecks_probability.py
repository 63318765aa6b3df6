"""Fit and measure the fact-check match probability (:mod:`factsift.factchecks.probability`).

* Fit: CheckThat! 2020 Task 2 **dev** (197 tweets -> Snopes claims; the ranking model was fitted on train
  only).  Rows are each query's ``TOP`` best candidates, ranked with the gold claims in the store and again
  with them removed (an unchecked claim), labelled by the gold pairs.  ``--write`` stores the fit in
  ``src/factsift/factchecks/data/match_probability.json``.
* Calibration: reliability diagram (10 bins) and ECE of 5-fold cross-fitted probabilities on dev (folds by
  query), and of the shipped fit out of domain on CheckThat! 2021 Task 2B dev (debate sentences ->
  PolitiFact, never used for fitting), dense and lexical-only.
* Decisions at the display threshold: precision of shown matches and share of gold pairs shown.
* Ranking: official MAP@5 (the gold copy only) beside the copy-merged MAP@5 (duplicate Snopes records
  merged), the measure accepted for retrieval (issue 24).
* The false-accusation cases of issue 24, scored on a tiny store: they must stay under the threshold
  (unrelated) or come with a stance (negation) — see tests/factchecks/test_factchecks_probability.py.

Run: ``.venv/bin/python bench/factchecks_probability.py [--write]``.  Writes bench/results/factchecks_probability.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from factsift.factchecks.calibration import load_calibration
from factsift.factchecks.datasets import (
    RetrievalSet,
    duplicate_groups,
    load_checkthat2020,
    load_checkthat2021,
)
from factsift.factchecks.embeddings import load_bundled
from factsift.factchecks.probability import (
    DEFAULT_THRESHOLD,
    DENSE_FEATURES,
    LEXICAL_FEATURES,
    MatchProbability,
    pair_features,
)
from factsift.factchecks.training import build_store, collapse_duplicates, fit_logistic, metrics, rank_queries

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".." / "shared" / "data" / "claims"
RESULTS = ROOT / "bench" / "results" / "factchecks_probability.json"
MODEL = ROOT / "src" / "factsift" / "factchecks" / "data" / "match_probability.json"
CACHE = Path(tempfile.gettempdir()) / "factsift-fc-cache"
TOP = 10
FOLDS = 5
BINS = 10


def rows_of(dataset: RetrievalSet, db: Path, encoder: Any) -> tuple[list[dict[str, float]], list[int], list[str], Any]:
    """Pair features, labels and query ids of every query's top candidates (gold present and held out)."""
    store = build_store(dataset, db, encoder, cache=CACHE)
    try:
        ranked = rank_queries(store, dataset, encoder, load_calibration(), with_held_out=True)
    finally:
        store.close()
    features, labels, queries = [], [], []
    for r in ranked:
        for hit in r.hits[:TOP]:
            features.append(pair_features(dataset.queries[r.query_id], hit.review, hit.features))
            labels.append(int((not r.held_out) and hit.review.id in r.gold))
            queries.append(r.query_id)
    return features, labels, queries, ranked


def matrix(rows: list[dict[str, float]], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[row.get(n, 0.0) for n in names] for row in rows], dtype=np.float64)


def ece_and_diagram(p: np.ndarray, y: np.ndarray) -> tuple[float, list[dict[str, float]]]:
    """Expected calibration error (equal-width bins) and the reliability diagram's bins."""
    bins = np.minimum((p * BINS).astype(int), BINS - 1)
    diagram, total = [], 0.0
    for b in range(BINS):
        mask = bins == b
        if not mask.any():
            continue
        mean_p, rate = float(p[mask].mean()), float(y[mask].mean())
        total += mask.sum() / len(p) * abs(mean_p - rate)
        diagram.append(
            {
                "bin": f"{b / BINS:.1f}-{(b + 1) / BINS:.1f}",
                "n": int(mask.sum()),
                "mean_probability": round(mean_p, 4),
                "share_matching": round(rate, 4),
            }
        )
    return round(total, 4), diagram


def decisions(p: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, float]:
    """Precision of the shown pairs and the share of gold pairs shown, at ``threshold``."""
    shown = p >= threshold
    return {
        "threshold": threshold,
        "shown": int(shown.sum()),
        "precision_of_shown": round(float(y[shown].mean()), 4) if shown.any() else float("nan"),
        "recall_of_gold": round(float(shown[y == 1].mean()), 4) if (y == 1).any() else float("nan"),
    }


def cross_fitted(rows: list[dict[str, float]], y: np.ndarray, queries: list[str], names: tuple[str, ...]) -> np.ndarray:
    """Out-of-fold probabilities, folds by query (a query's pairs never inform their own score)."""
    x = matrix(rows, names)
    ids = sorted(set(queries))
    fold_of = dict(zip(ids, np.random.default_rng(0).integers(0, FOLDS, len(ids)), strict=True))
    folds = np.array([fold_of[q] for q in queries])
    out = np.zeros(len(y))
    for fold in range(FOLDS):
        test = folds == fold
        model = fit_logistic(x[~test], y[~test].astype(np.float64), names)
        out[test] = [model.probability(dict(zip(names, row, strict=True))) for row in x[test]]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="store the dev fit as the shipped model")
    args = parser.parse_args()
    encoder = load_bundled()
    results: dict[str, Any] = {"fitted_on": "checkthat2020_t2/dev", "top_candidates_per_ranking": TOP}
    with tempfile.TemporaryDirectory() as folder:
        dev = load_checkthat2020(DATA / "checkthat2020_t2", "dev")
        rows, labels, queries, ranked = rows_of(dev, Path(folder) / "dev.db", encoder)
        y = np.array(labels)
        merged = metrics(collapse_duplicates(ranked, duplicate_groups(dev)))
        results["map_at_5"] = {"official": metrics(ranked)["map_at_5"], "copies_merged": merged["map_at_5"]}
        print(f"MAP@5 on dev: official {results['map_at_5']['official']}, copies merged {merged['map_at_5']}")
        models = {}
        for mode, names in (("dense", DENSE_FEATURES), ("lexical", LEXICAL_FEATURES)):
            results[f"dev_cross_fitted/{mode}"] = figures(f"dev {mode}", cross_fitted(rows, y, queries, names), y)
            models[mode] = fit_logistic(matrix(rows, names), y.astype(np.float64), names)
        fitted = MatchProbability(lexical=models["lexical"], dense=models["dense"], trained_on="checkthat2020_t2/dev")
        if args.write:
            MODEL.write_text(json.dumps(fitted.to_dict(), indent=2) + "\n")
            print(f"wrote {MODEL.relative_to(ROOT)}")
        save(results)  # the dev figures, before the slow 2021 store
        other = load_checkthat2021(DATA / "checkthat2021_t2b", "dev")
        rows21, labels21, _, _ = rows_of(other, Path(folder) / "t2b.db", encoder)
        y21 = np.array(labels21)
        for mode, names in (("dense", DENSE_FEATURES), ("lexical", LEXICAL_FEATURES)):
            model = models[mode]
            p = np.array([model.probability({n: r.get(n, 0.0) for n in names}) for r in rows21])
            results[f"checkthat2021_t2b_dev/{mode}"] = figures(f"2021 dev {mode}", p, y21)
    save(results)
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


def figures(name: str, p: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Pairs, matching pairs, ECE, decisions at the threshold and the reliability diagram of ``p`` (printed)."""
    ece, diagram = ece_and_diagram(p, y)
    shown = decisions(p, y, DEFAULT_THRESHOLD)
    print(f"{name}: ECE {ece} {shown}")
    return {"pairs": len(y), "matching": int(y.sum()), "ece": ece, "decisions": shown, "reliability": diagram}


def save(results: dict[str, Any]) -> None:
    """Write the figures so far to :data:`RESULTS`."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
