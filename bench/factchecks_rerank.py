"""Does a small cross-encoder over the top few candidates lift fact-check retrieval?  Measured on CheckThat! 2020
T2 **train** only (800 tweets -> 10,375 Snopes claims); the dev split is not read.

1. The shipped pipeline's candidates and features (cross-fitted query adapter, as ``factsift train factchecks``
   does), the 18-feature score model cross-validated by query (5 folds): the baseline MAP@1 / MAP@5.
2. The cross-encoder (first ``--layers`` layers of all-MiniLM-L6-v2 over query + claim + title, ``--max-length``
   tokens) fitted on the other half of the queries (2-fold cross-fitting) with the top 4 candidates of
   each query's out-of-fold ranking as hard negatives; its logits for every query's top candidates.
3. The combining model (score-model logit + cross-encoder logit -> new score for the top ``N``), again
   5-fold by query; MAP@1 / MAP@5 of the re-ordered lists for N = 2 and 3, and the cross-encoder alone.

Run: ``.venv/bin/python bench/factchecks_rerank.py [--layers 2] [--max-length 64] [--epochs 2]`` (needs
``pip install -e '.[embeddings]'``; ~15-30 minutes on two busy threads).  Writes
``bench/results/factchecks_rerank.json`` (one entry per configuration).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "2")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".." / "shared" / "data" / "claims" / "checkthat2020_t2"
RESULTS = ROOT / "bench" / "results" / "factchecks_rerank.json"
CACHE = Path(os.environ.get("FACTSIFT_BENCH_CACHE", Path(tempfile.gettempdir()) / "factsift-fc-cache"))
FOLDS = 5


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    from factsift.factchecks.calibration import HYBRID_FEATURES, fit_logistic
    from factsift.factchecks.datasets import duplicate_groups, load_checkthat2020
    from factsift.factchecks.embeddings import require_bundled
    from factsift.factchecks.reranker import RerankerSpec
    from factsift.factchecks.training import (
        NEUTRAL,
        Ranked,
        apply_combiner,
        build_store,
        collapse_duplicates,
        cross_fitted_adapter,
        cross_fitted_rerank_scores,
        fit_combiner,
        gold_queries,
        metrics,
        rank_queries,
        rerank_rows,
    )
    from factsift.ml.logistic import sigmoid_array

    started = time.perf_counter()
    encoder = require_bundled()
    dataset = load_checkthat2020(DATA, "train")
    qids = gold_queries(dataset)
    query_fold = {q: int(f) for q, f in zip(qids, np.random.default_rng(1).integers(0, FOLDS, len(qids)), strict=True)}
    groups = duplicate_groups(dataset)
    result: dict[str, Any] = {"split": "checkthat2020_t2/train", "queries": len(qids), "records": len(dataset.reviews)}
    with tempfile.TemporaryDirectory() as folder:
        store = build_store(dataset, Path(folder) / "train.db", encoder, cache=CACHE)
        _, adapted = cross_fitted_adapter(store, dataset, encoder)
        ranked = rank_queries(store, dataset, encoder, NEUTRAL, with_held_out=True, vectors=adapted)

        # 1. the shipped score model, cross-validated by query
        names = list(HYBRID_FEATURES)
        x = np.asarray([[h.features.get(n, 0.0) for n in names] for r in ranked for h in r.hits])
        y = np.asarray([float((not r.held_out) and h.review.id in r.gold) for r in ranked for h in r.hits])
        fold = np.asarray([query_fold[r.query_id] for r in ranked for _ in r.hits])
        probability = np.zeros(len(y))
        for f in range(FOLDS):
            model = fit_logistic(x[fold != f], y[fold != f], tuple(names))
            z = model.intercept + ((x[fold == f] - np.asarray(model.mean)) / np.asarray(model.scale)) @ np.asarray(
                model.coef
            )
            probability[fold == f] = sigmoid_array(z)
        oof: list[Ranked] = []
        at = 0
        for r in ranked:
            hits = [dataclasses.replace(h, score=float(p)) for h, p in zip(r.hits, probability[at:], strict=False)]
            at += len(r.hits)
            hits.sort(key=lambda h: (-h.score, h.review.id))
            oof.append(Ranked(r.query_id, hits, r.gold, r.held_out))
        result["baseline_cv"] = metrics(oof)
        result["baseline_cv_duplicates_collapsed"] = metrics(collapse_duplicates(oof, groups))
        result["gold_in_top"] = {
            str(k): round(
                sum(any(h.review.id in r.gold for h in r.hits[:k]) for r in oof if not r.held_out) / len(qids), 4
            )
            for k in (1, 2, 3, 4, 5)
        }
        print("baseline", result["baseline_cv"], result["gold_in_top"], flush=True)

        # 2. cross-encoder logits, 2-fold cross-fitted
        spec = RerankerSpec(encoder.model_id, args.layers, args.max_length)
        fit_started = time.perf_counter()
        scores = cross_fitted_rerank_scores(store, dataset, oof, encoder, spec, epochs=args.epochs)
        fit_seconds = time.perf_counter() - fit_started
        store.close()

    # 3. combining model, 5-fold by query
    config = f"layers={args.layers},max_length={args.max_length},epochs={args.epochs}"
    entry: dict[str, Any] = {"cross_fit_seconds": round(fit_seconds)}
    for top in (2, 3):
        rows = rerank_rows(oof, scores, top)
        predict = [0.0] * len(rows)
        for f in range(FOLDS):
            train = [row for row in rows if query_fold[oof[row[0]].query_id] != f]
            combiner = fit_combiner(train)
            for i, row in enumerate(rows):
                if query_fold[oof[row[0]].query_id] == f:
                    predict[i] = combiner.probability(row[2])
        combined = apply_combiner(oof, rows, predict)
        entry[f"top{top}"] = metrics(combined)
        entry[f"top{top}_duplicates_collapsed"] = metrics(collapse_duplicates(combined, groups))
        entry[f"top{top}_cross_encoder_alone"] = metrics(
            apply_combiner(oof, rows, [row[2]["cross_encoder"] for row in rows])
        )
        entry[f"top{top}_combiner_all_folds"] = dict(
            zip(("coef", "intercept"), (fit_combiner(rows).coef, fit_combiner(rows).intercept), strict=True)
        )
        print(top, entry[f"top{top}"], "alone", entry[f"top{top}_cross_encoder_alone"], flush=True)
    entry["seconds"] = round(time.perf_counter() - started)
    previous = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    previous.update({k: v for k, v in result.items()})
    previous.setdefault("cross_encoder", {})[config] = entry
    RESULTS.write_text(json.dumps(previous, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
