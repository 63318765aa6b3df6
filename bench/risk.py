"""Benchmark the risk model honestly: three split protocols, ablations, candidates, scoring cost.

    .venv/bin/python bench/risk.py [--data ../shared/data/articles] [--resamples 1000] [--quick]

For each dataset: ROC AUC, accuracy at the documented 0.5 threshold, ECE (10 bins) and Brier
score with bootstrap 95% intervals, under (a) a random split, (b) an outlet-disjoint split and
(c) leave-one-dataset-out.  Every candidate configuration is compared on (b) and (c); the best one
(mean AUC over (b) and (c); within 0.01 of the best counts as a tie, broken by lower mean ECE)
gets the full table plus the ablations without the outlet rating and without the text model, and,
under (b) and (c), the same scores after label-shift adaptation: each held-out part (one dataset's
rows in one test fold) moved to the base rate that EM estimates from its scores alone, no labels
(``factsift.scoring.prior``).  Writes bench/results/risk.json.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from factsift.analyser import Analyser
from factsift.config import Config
from factsift.ml.logistic import logit, sigmoid, sigmoid_array
from factsift.options import Options
from factsift.scoring import SHIPPED_CANDIDATE
from factsift.scoring.datasets import load_all
from factsift.scoring.dedup import deduplicate
from factsift.scoring.evaluation import (
    PROTOCOLS,
    by_dataset,
    ece,
    held_out_parts,
    out_of_fold,
    prior_adapted,
    roc_auc,
    with_intervals,
)
from factsift.scoring.explain import DECISION_THRESHOLD, HIGH_FROM, LOW_BELOW, assess
from factsift.scoring.featurize import Example, analyse_row, evidence_stages, featurize
from factsift.scoring.prior import PriorEstimate
from factsift.scoring.riskmodel import RiskModel, load_model
from factsift.scoring.train import CANDIDATES, FitCache, FitConfig, fit, without_source, without_text

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "articles"
SELECTION_PROTOCOLS = ("outlet", "cross_dataset")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def summarise(tested: list[Example], scores: np.ndarray, resamples: int) -> dict[str, Any]:
    """Per-dataset metrics with intervals, their mean over datasets, and the pooled rows."""
    datasets = by_dataset(tested, scores, resamples)
    labels = np.array([e.article.label for e in tested])
    pooled = {"n": len(tested), "positives": int(labels.sum()), **with_intervals(labels, scores, resamples)}
    mean = {
        metric: round(statistics.fmean(d[metric]["value"] for d in datasets.values() if _finite(d[metric]["value"])), 4)
        for metric in ("auc", "accuracy", "ece", "brier")
    }
    return {"datasets": datasets, "mean": mean, "pooled": pooled}


def evaluate(
    examples: list[Example],
    config: FitConfig,
    protocols: tuple[str, ...],
    cache: FitCache,
    resamples: int,
    adapted: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Per-dataset metrics for ``config`` under each protocol, plus their mean over datasets.

    Under the selection protocols the mean also holds the ECE after prior adaptation (EM on each
    held-out part's scores, no labels); with ``adapted`` given, the adapted scores' full block (with
    intervals) is put there for each selection protocol."""
    result: dict[str, Any] = {}
    for protocol in protocols:
        started = time.perf_counter()
        rates: list[float] = []
        tested, scores = out_of_fold(examples, protocol, config, cache, base_rates=rates)
        block = summarise(tested, scores, resamples)
        mean = block["mean"]
        if protocol == "cross_dataset":
            mean["ece_if_base_rate_known"] = base_rate_diagnostic(tested, scores)
            mean["ece_best_global_recalibration"] = global_recalibration_floor(tested, scores)
        if protocol in SELECTION_PROTOCOLS:
            parts = held_out_parts(examples, tested, protocol, config.seed)
            moved, estimates = prior_adapted(scores, rates, parts)
            adapted_block = summarise(tested, moved, resamples if adapted is not None else 1)
            mean["ece_prior_adapted"] = adapted_block["mean"]["ece"]
            if adapted is not None:
                adapted_block["parts"] = part_estimates(tested, parts, estimates)
                adapted_block["auc_unchanged_within_parts"] = auc_unchanged(tested, scores, moved, parts)
                adapted[protocol] = adapted_block
        result[protocol] = {**block, "seconds": round(time.perf_counter() - started, 1)}
        log(
            f"    {protocol}: mean AUC {mean['auc']:.3f}, ECE {mean['ece']:.3f}"
            + (f", prior-adapted ECE {mean['ece_prior_adapted']:.3f}" if "ece_prior_adapted" in mean else "")
            + f" ({result[protocol]['seconds']} s)"
        )
    return result


def part_estimates(tested: list[Example], parts: list[str], estimates: dict[str, PriorEstimate]) -> dict[str, Any]:
    """Each held-out part's estimated base rate beside its true share of fakes (reported, never used)."""
    out: dict[str, Any] = {}
    for part, estimate in estimates.items():
        labels = [e.article.label for e, p in zip(tested, parts, strict=True) if p == part]
        out[part] = {
            "n": estimate.n,
            "estimated_base_rate": round(estimate.rate, 4),
            "true_share_of_fakes": round(statistics.fmean(labels), 4),
            "em_iterations": estimate.iterations,
            "converged": estimate.converged,
        }
    return out


def auc_unchanged(tested: list[Example], before: np.ndarray, after: np.ndarray, parts: list[str]) -> bool:
    """Whether every held-out part's ROC AUC is the same after adaptation (one monotone shift per part)."""
    for part in set(parts):
        idx = np.array([i for i, p in enumerate(parts) if p == part])
        y = np.array([tested[i].article.label for i in idx])
        a, b = roc_auc(y, before[idx]), roc_auc(y, after[idx])
        if _finite(a) and abs(a - b) > 1e-9:
            return False
    return True


def base_rate_diagnostic(tested: list[Example], scores: np.ndarray) -> float:
    """Mean ECE over held-out datasets after moving each dataset's log-odds by the one constant that
    makes its mean score equal its share of fakes (recalibration in the large).

    A diagnostic, not a result: it takes one number per dataset from the test labels.  It shows how
    much of the cross-dataset ECE is a shifted base rate (which cannot be known from one article) and
    how much is over- or under-confidence within the dataset."""
    eces = []
    for name in sorted({e.article.dataset for e in tested}):
        idx = np.array([i for i, e in enumerate(tested) if e.article.dataset == name])
        y = np.array([tested[i].article.label for i in idx])
        z = np.array([logit(float(p)) for p in scores[idx]])
        low, high = -20.0, 20.0
        for _ in range(60):  # the mean score rises with the shift: bisect for the one that matches
            mid = (low + high) / 2
            if np.mean([sigmoid(v + mid) for v in z]) < y.mean():
                low = mid
            else:
                high = mid
        eces.append(ece(y, np.array([sigmoid(v + low) for v in z])))
    return round(statistics.fmean(eces), 4)


def global_recalibration_floor(tested: list[Example], scores: np.ndarray) -> float:
    """The lowest mean ECE over held-out datasets that any one recalibration ``sigmoid(t * z + s)``
    shared by all of them reaches (grid over temperature t and shift s, chosen on the test labels).

    A diagnostic, not a result: it bounds what any calibration step fitted on the training part could
    do with these scores (temperature, shrinkage toward a base rate, Platt on other held-out parts),
    because each of those is such a map applied to every held-out dataset alike."""
    z = np.log(np.clip(scores, 1e-6, 1 - 1e-6) / np.clip(1 - scores, 1e-6, 1))
    names = sorted({e.article.dataset for e in tested})
    parts = [(np.array([e.article.dataset == name for e in tested]), name) for name in names]
    labels = np.array([e.article.label for e in tested])
    best = math.inf
    for t in np.arange(0.3, 1.51, 0.05):
        for s in np.arange(-1.5, 1.51, 0.05):
            p = sigmoid_array(t * z + s)
            best = min(best, statistics.fmean(ece(labels[mask], p[mask]) for mask, _ in parts))
    return round(best, 4)


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


#: The results key of the prior-adapted rows.
ADAPTED = "prior-adapted (EM on the held-out part's unlabelled scores)"

#: Candidates whose mean AUC is within this of the best are tied (the bootstrap intervals are ±0.03–0.05).
AUC_TIE = 0.01


def selection_score(result: dict[str, Any]) -> tuple[float, float]:
    """Mean AUC and mean ECE over the outlet-disjoint and cross-dataset protocols."""
    aucs = [result[p]["mean"]["auc"] for p in SELECTION_PROTOCOLS]
    eces = [result[p]["mean"]["ece"] for p in SELECTION_PROTOCOLS]
    return statistics.fmean(aucs), statistics.fmean(eces)


def select(compared: dict[str, Any]) -> str:
    """The best candidate on (b) and (c): highest mean AUC, ties (within ``AUC_TIE``) to the lowest mean ECE."""
    scores = {name: selection_score(result) for name, result in compared.items()}
    best_auc = max(auc for auc, _ in scores.values())
    tied = [name for name, (auc, _) in scores.items() if auc >= best_auc - AUC_TIE]
    return min(tied, key=lambda name: scores[name][1])


def scoring_cost(rows: list[Any], model: RiskModel, n: int = 300) -> dict[str, float]:
    """Milliseconds per article for the risk stage alone (features, text model, explanation)."""
    analyser = Analyser(Config.from_options(Options(stages=evidence_stages(), fast=True)))
    reports = []
    for row in rows[:: max(1, len(rows) // n)][:n]:
        try:
            reports.append(analyse_row(row, analyser))
        except Exception:
            continue
    for report in reports[:20]:  # warm-up
        assess(model, report)
    cpu, wall = [], []
    for _ in range(3):
        for report in reports:
            started_cpu, started = time.process_time(), time.perf_counter()
            assess(model, report)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return {
        "articles": len(reports),
        "median_ms": round(statistics.median(cpu), 3),
        "p95_ms": round(float(np.percentile(cpu, 95)), 3),
        "mean_ms": round(statistics.fmean(cpu), 3),
        "wall_median_ms": round(statistics.median(wall), 3),
        "clock": "process CPU time (the machine is shared; wall time is noisier)",
    }


def fmt(cell: dict[str, float]) -> str:
    value, low, high = cell["value"], cell["low"], cell["high"]
    if not _finite(value):
        return "n/a"
    return f"{value:.2f} [{low:.2f}–{high:.2f}]"


def table(results: dict[str, Any]) -> str:
    """The Markdown table printed and put in the README."""
    lines = [
        "| model | protocol | dataset | n (fake) | ROC AUC | accuracy @0.5 | ECE | Brier |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for variant, by_protocol in results.items():
        for protocol in PROTOCOLS:
            if protocol not in by_protocol:
                continue
            block = by_protocol[protocol]
            for name, d in block["datasets"].items():
                lines.append(
                    f"| {variant} | {protocol} | {name} | {d['n']} ({d['positives']}) | {fmt(d['auc'])} | "
                    f"{fmt(d['accuracy'])} | {fmt(d['ece'])} | {fmt(d['brier'])} |"
                )
            m = block["mean"]
            lines.append(
                f"| {variant} | {protocol} | **mean of datasets** | | **{m['auc']:.2f}** | {m['accuracy']:.2f} | "
                f"**{m['ece']:.2f}** | {m['brier']:.2f} |"
            )
            d = block["pooled"]
            lines.append(
                f"| {variant} | {protocol} | all rows pooled | {d['n']} ({d['positives']}) | {fmt(d['auc'])} | "
                f"{fmt(d['accuracy'])} | {fmt(d['ece'])} | {fmt(d['brier'])} |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="only the shipped candidate, 200 resamples")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "risk.json")
    args = parser.parse_args()
    if not args.data.is_dir():
        log(f"no data at {args.data}; nothing to benchmark")
        return 1
    resamples = 200 if args.quick else args.resamples
    started = time.perf_counter()
    rows, dedup = deduplicate(load_all(args.data))
    log(f"{dedup.kept} articles after de-duplication; analysing with stages {evidence_stages()}")
    with tempfile.TemporaryDirectory() as empty:
        examples = featurize(rows, db=Path(empty) / "no-factchecks.db", progress=True)
    featurize_s = time.perf_counter() - started
    log(f"featurised {len(examples)} articles in {featurize_s:.0f} s ({len(rows) - len(examples)} rejected by ingest)")

    candidates = {SHIPPED_CANDIDATE: CANDIDATES[SHIPPED_CANDIDATE]} if args.quick else CANDIDATES
    compared: dict[str, Any] = {}
    caches: dict[str, FitCache] = {}
    corpora: dict[Any, Any] = {}  # term counts, shared by every candidate
    adapted_by_candidate: dict[str, dict[str, Any]] = {}
    for name, config in candidates.items():
        log(f"candidate {name}")
        caches[name] = FitCache(corpora=corpora)
        adapted_by_candidate[name] = {}
        compared[name] = evaluate(
            examples, config, SELECTION_PROTOCOLS, caches[name], resamples, adapted=adapted_by_candidate[name]
        )
        if name != SHIPPED_CANDIDATE:
            caches[name].text_models.clear()  # memory; the selected candidate's are refitted if needed
    best = select(compared)
    log(f"best on outlet-disjoint + cross-dataset: {best}")

    config = CANDIDATES[best]
    results: dict[str, Any] = {}
    log(f"full model ({best}), random split")
    full = dict(compared[best])
    full.update(evaluate(examples, config, ("random",), caches[best], resamples))
    results[f"full ({best})"] = {p: full[p] for p in PROTOCOLS}
    results[ADAPTED] = adapted_by_candidate[best]
    log("ablation: without outlet rating")
    results["without outlet rating"] = evaluate(examples, without_source(config), PROTOCOLS, caches[best], resamples)
    log("ablation: without text model")
    results["without text model"] = evaluate(examples, without_text(config), PROTOCOLS, caches[best], resamples)

    final = fit(examples, config, cache=caches[best], trained_on="benchmark")
    cost = scoring_cost(rows, final)
    shipped = None
    try:
        shipped_model = load_model()
        shipped = {"candidate": shipped_model.info.get("candidate"), "trained_on": shipped_model.trained_on}
        shipped["scoring_cost"] = scoring_cost(rows, shipped_model)
    except FileNotFoundError:
        pass
    text_terms = len(final.text.weights) if final.text else 0

    output = {
        "protocols": {
            "random": "5 folds by group (article, or FakeNewsAMT pair)",
            "outlet": "5 folds by outlet (registered domain from the URL); rows without a known outlet left out",
            "cross_dataset": "leave one dataset out",
        },
        "ece_if_base_rate_known": "diagnostic only: mean cross-dataset ECE after one log-odds shift per held-out "
        "dataset that matches its share of fakes (uses the test labels; shows how much ECE is base-rate shift)",
        "ece_best_global_recalibration": "diagnostic only: the lowest mean cross-dataset ECE that one map "
        "sigmoid(t * log-odds + s), shared by all held-out datasets, reaches (t, s on a grid, chosen with the test "
        "labels): a floor for any calibration step learnt without the held-out dataset",
        "prior_adapted": f"rows {ADAPTED!r}: the same out-of-fold scores as the full model's, moved part by part "
        "to the base rate that the EM procedure of Saerens, Latinne & Decaestecker (2002) estimates from that "
        "part's scores alone (no labels); a part is one dataset's rows in one test fold (cross-dataset: the whole "
        "held-out dataset). ece_prior_adapted in each candidate's mean is the same figure without intervals",
        "thresholds": {"decision": DECISION_THRESHOLD, "low_below": LOW_BELOW, "high_from": HIGH_FROM},
        "stages": evidence_stages(),
        "dedup": {
            "kept": dedup.kept,
            "duplicates_removed": dedup.duplicates_removed,
            "conflicting_dropped": dedup.conflicting_dropped,
            "rejected_by_ingest": len(rows) - len(examples),
        },
        "datasets": {name: n for name, n in sorted(_counts(examples).items())},
        "candidates": {
            name: {p: r[p]["mean"] for p in SELECTION_PROTOCOLS} | {"selection_auc": round(selection_score(r)[0], 4)}
            for name, r in compared.items()
        },
        "selected": best,
        "results": results,
        "scoring_cost": cost,
        "shipped_model": shipped,
        "text_terms": text_terms,
        "resamples": resamples,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(output, indent=2) + "\n")
    print(table(results))
    print()
    print("candidates (mean over held-out datasets):")
    for name, row in output["candidates"].items():
        print(
            f"  {name}: outlet AUC {row['outlet']['auc']:.3f} ECE {row['outlet']['ece']:.3f}; "
            f"cross-dataset AUC {row['cross_dataset']['auc']:.3f} ECE {row['cross_dataset']['ece']:.3f} "
            f"(with each held-out base rate known: {row['cross_dataset']['ece_if_base_rate_known']:.3f}; "
            f"best shared recalibration: {row['cross_dataset']['ece_best_global_recalibration']:.3f}); "
            f"prior-adapted ECE outlet {row['outlet']['ece_prior_adapted']:.3f}, "
            f"cross-dataset {row['cross_dataset']['ece_prior_adapted']:.3f}"
        )
    print(f"selected: {best}")
    print(f"scoring cost per article: median {cost['median_ms']} ms, p95 {cost['p95_ms']} ms (target ≤ 2 ms)")
    print(f"wrote {args.out} in {output['seconds']:.0f} s")
    return 0


def _counts(examples: list[Example]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.article.dataset] = counts.get(example.article.dataset, 0) + 1
    return counts


if __name__ == "__main__":
    sys.exit(main())
