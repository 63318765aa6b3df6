"""Benchmark the check-worthiness model: held-out quality and throughput on one core.

Quality: F1/precision/recall of the CFS class at the shipped threshold and average precision
on the ClaimBuster rows of the fixed held-out hash split (``split_of(text) == "test"``: never
used to fit the model, choose C or pick the threshold), and mean average precision over the
CLEF CheckThat! 2019 Task 1 debates/speeches (never used at all; sentences that also occur in
the ClaimBuster fit rows are dropped from it). Throughput: sentences scored per second,
featurisation included, single thread. Writes bench/results/claims.json.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import csv
import json
import platform
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from factsift.claims import classifier, dataset
from factsift.claims.training import average_precision, evaluate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "claims"
RESULTS = ROOT / "bench" / "results" / "claims.json"


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def claimbuster(model: classifier.ClaimModel) -> dict[str, object]:
    rows = [e for e in dataset.load(DATA / "claimbuster" / "train.json") if dataset.split_of(e.text) == "test"]
    labels = np.array([e.label for e in rows], dtype=np.int64)
    scores = np.array(model.score_many([e.text for e in rows]))
    figures = evaluate(labels, scores, model.threshold).to_dict()
    return {"split": "ClaimBuster train.json, de-duplicated, blake2b hash split 'test' (20%)", **figures}


def checkthat2019(model: classifier.ClaimModel) -> dict[str, object]:
    fit_keys = {
        _key(e.text) for e in dataset.load(DATA / "claimbuster" / "train.json") if dataset.split_of(e.text) != "test"
    }
    debates: dict[str, list[tuple[str, int]]] = defaultdict(list)
    dropped = 0
    with (DATA / "checkthat2019_t1" / "CT19-T1-Training.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if _key(row["text"]) in fit_keys:
                dropped += 1
                continue
            debates[row["file_name"]].append((row["text"], int(row["label"])))
    per_debate = {}
    for name, items in sorted(debates.items()):
        labels = np.array([label for _, label in items], dtype=np.int64)
        scores = np.array(model.score_many([text for text, _ in items]))
        per_debate[name] = round(average_precision(labels, scores), 4)
    return {
        "split": "CheckThat! 2019 Task 1 training file, all 19 debates/speeches (out of domain for tuning)",
        "debates": len(per_debate),
        "sentences": sum(len(v) for v in debates.values()),
        "dropped_overlap_with_fit_rows": dropped,
        "map": round(float(np.mean(list(per_debate.values()))), 4),
        "ap_per_debate": per_debate,
    }


def throughput(model: classifier.ClaimModel) -> dict[str, object]:
    texts = [e.text for e in dataset.load(DATA / "claimbuster" / "train.json")][:2000]
    news = [
        s.strip() + "."
        for s in (ROOT.parent / "shared" / "examples" / "seed-article.txt").read_text(encoding="utf-8").split(". ")
        if len(s.split()) > 5
    ]
    out: dict[str, object] = {}
    for name, sample in (("debate_sentences", texts), ("news_sentences", news * 100)):
        model.score_many(sample[:50])
        started = time.perf_counter()
        model.score_many(sample)
        elapsed = time.perf_counter() - started
        out[name] = {
            "sentences": len(sample),
            "mean_words": round(sum(len(t.split()) for t in sample) / len(sample), 1),
            "sentences_per_s": round(len(sample) / elapsed),
        }
    return out


def main() -> None:
    model = classifier.shipped()
    results = {
        "model": {k: model.meta[k] for k in ("model", "c", "features", "threshold", "rows", "cross_validation")},
        "claimbuster_heldout": claimbuster(model),
        "checkthat2019": checkthat2019(model),
        "throughput_one_core": throughput(model),
        "targets": {"f1_cfs": 0.80, "sentences_per_s": 500},
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
