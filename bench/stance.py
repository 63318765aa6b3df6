"""Dev figures and speed of the shipped stance model; writes bench/results/stance.json.

Figures: the dev split of ``factsift train stance`` (FNC-1 split by body; derived sentence and article
pairs split by claim), scored with the shipped model: FNC-1 relative score, macro-F1, per-class F1,
confusion matrix, ECE and reliability diagram. Speed: process CPU time on one thread, best of
``--rounds``, for (a) sentence pairs (derived dev pairs) and (b) claim-article pairs (one headline per
FNC-1 dev body, so no text is analysed twice), passage selection included; the rates are pairs per
CPU-second, i.e. per core. ``--test`` scores the held-out test split instead of dev and writes
bench/results/stance_test.json (run it once per shipped model; docs/stance.md records how often it was run).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from factsift.stance import LABELS, StanceModel, shipped_model
from factsift.stance.cli import DEFAULT_CLAIMS, DEFAULT_FNC
from factsift.stance.training import Example, evaluate, read_derived, read_fnc

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "stance.json"


def cpu_rate(model: StanceModel, pairs: Sequence[tuple[str, str]], rounds: int) -> float:
    """Pairs per CPU-second (best of ``rounds``), each round one batch through the full prediction."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        model.predict(pairs)
        best = min(best, time.process_time() - start)
    return len(pairs) / best


def figures(model: StanceModel, examples: list[Example], split: str) -> dict[str, Any]:
    """Evaluation figures of ``split`` per source."""
    result = {}
    for source in ("fnc1", "derived", "derived_articles"):
        chosen = [e for e in examples if e.split == split and e.source == source]
        probabilities = model.probabilities(model.encode([(e.claim, e.text) for e in chosen]))
        result[source] = evaluate(probabilities, [e.label for e in chosen], fnc=source == "fnc1")
    return result


def main() -> None:
    """Measure and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fnc", type=Path, default=ROOT / DEFAULT_FNC)
    parser.add_argument("--claims", type=Path, default=ROOT / DEFAULT_CLAIMS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--test", action="store_true", help="score the held-out test split (once, at the end)")
    args = parser.parse_args()
    model = shipped_model()
    examples = read_fnc(args.fnc) + read_derived(args.claims)
    split = "test" if args.test else "dev"
    measured = figures(model, examples, split)

    sentence_pairs = [(e.claim, e.text) for e in examples if e.split == "dev" and e.source == "derived"][:3000]
    one_per_body: dict[str, tuple[str, str]] = {}
    for e in examples:
        if e.split == "dev" and e.source == "fnc1":
            one_per_body.setdefault(e.text, (e.claim, e.text))
    article_pairs = list(one_per_body.values())
    model.predict(sentence_pairs[:100])  # warm up
    speed = {
        "sentence_pairs_per_cpu_second": round(cpu_rate(model, sentence_pairs, args.rounds), 1),
        "claim_article_pairs_per_cpu_second": round(cpu_rate(model, article_pairs, args.rounds), 1),
        "sentence_pairs": len(sentence_pairs),
        "claim_article_pairs": len(article_pairs),
        "mean_article_chars": round(sum(len(t) for _, t in article_pairs) / len(article_pairs)),
    }
    out = {
        "split": split,
        "labels": list(LABELS),
        "figures": measured,
        "speed": speed,
        "model": model.meta["description"],
    }
    path = RESULTS.with_name("stance_test.json") if args.test else RESULTS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    for source, f in measured.items():
        summary = {k: f[k] for k in ("pairs", "macro_f1", "f1", "ece", "fnc_relative_score") if k in f}
        print(split, source, json.dumps(summary))
        print(
            "  confusion (rows gold, columns predicted; agree, disagree, discuss, unrelated):", f["confusion"]["matrix"]
        )
    print("speed", json.dumps(speed))


if __name__ == "__main__":
    main()
