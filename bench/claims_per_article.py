"""CPU time the claims stage's second stage adds per article, on synthetic news articles.

The first ``--articles`` articles of ``bench/batch.py`` (same generator and seed) are ingested once;
then :func:`factsift.claims.stage.find_claims` runs over all of them with the first stage alone and
with the cascade (at most ``MAX_ENCODED`` encodings per article), and the process CPU time of each
pass is divided by the number of articles. One thread. ``--model STEM`` measures another model
(e.g. an earlier release's files). Writes bench/results/claims_per_article.json.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import random
import sys
import time
from pathlib import Path

import torch

import factsift
from factsift.claims import classifier
from factsift.claims.encoder import bundled_features
from factsift.claims.stage import MAX_ENCODED, find_claims

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import make_article

torch.set_num_threads(1)
RESULTS = Path(__file__).resolve().parent / "results" / "claims_per_article.json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=3, help="passes per configuration (the fastest counts)")
    parser.add_argument("--model", type=Path, default=None, help="model stem (default: the shipped model)")
    args = parser.parse_args()
    model = classifier.load(args.model) if args.model else classifier.shipped()
    encoder = bundled_features(model.layers_file)
    if encoder is None or model.cascade is None:
        raise SystemExit("the cascade needs the embeddings extra and a model with a second stage")
    rng = random.Random(20261125)
    reports = []
    for i in range(args.articles):
        row = make_article(i, rng)
        reports.append(factsift.analyse(url=row.get("url"), html=row.get("html"), text=row.get("text"), stages=()))
    sentences = sum(len(r.article.sentences) for r in reports)
    first = [model.score_many([s.text for s in r.article.sentences]) for r in reports]
    in_band = sum(sum(model.cascade.uncertain(p) for p in scores) for scores in first)
    encoded = sum(min(MAX_ENCODED, sum(model.cascade.uncertain(p) for p in scores)) for scores in first)
    find_claims(reports[0], model, encoder)  # warm caches and the encoder

    def cpu_ms(with_encoder: bool) -> float:
        best = float("inf")
        for _ in range(args.rounds):
            started = time.process_time()
            for report in reports:
                find_claims(report, model, encoder if with_encoder else None)
            best = min(best, (time.process_time() - started) / len(reports) * 1000)
        return best

    fast, full = cpu_ms(False), cpu_ms(True)
    results = {
        "model": str(args.model or "shipped"),
        "cascade": model.cascade.to_dict(),
        "articles": len(reports),
        "sentences_per_article": round(sentences / len(reports), 1),
        "in_band_per_article": round(in_band / len(reports), 2),
        "encoded_per_article": round(encoded / len(reports), 2),
        "first_stage_ms_per_article": round(fast, 2),
        "cascade_ms_per_article": round(full, 2),
        "added_ms_per_article": round(full - fast, 2),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }
    if args.model is None:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
