"""Coverage as risk evidence, measured (issue 20, item 5): how often it fires and what it does to AUC/ECE.

    .venv/bin/python bench/coverage_risk.py [--data ../shared/data/articles] [--cache FILE] [--sample N]

The training articles of ``bench/risk_trust.py`` (loaded, deduplicated and analysed by the same code: its
evidence stages, fast) are kept in a temporary SQLite archive (``factsift.archive``, one kept article each,
by :func:`factsift.archive.keep.kept_article`).  Then each article's headline and top claims are searched
in that archive as the ``coverage`` stage searches them (:class:`factsift.coverage.search.CoverageFinder`,
its own outlet excluded, and the article itself; the datasets give no dates, so every search spans all
dates), and :func:`factsift.coverage.evidence.coverage_evidence` reads the result as the risk score does.

No leakage: a coverage feature uses only the *outlet ratings* (the shipped source ratings, not the
dataset labels) of the other outlets' articles and the stance of their text; no label of any article
is read to make it.  The labels are used only to measure, and, for the fitted weights, those of the
training folds.

Figures, under the outlet-disjoint and cross-dataset protocols of ``bench/risk_trust.py`` (shipped
model, out of fold):

* how often coverage fires: the share of articles with any related coverage, with a reliable outlet
  disagreeing, with one agreeing, and "unreported" (the first query found in no other outlet);
* mean-over-datasets AUC and ECE (and cross-dataset ECE with the base rate given) without the coverage
  row, with the stated row, and with weights fitted on the training folds (one logistic fit per held-out
  fold, on the other folds' out-of-fold log-odds as offset; sign-constrained: disagree >= 0, agree <= 0,
  unreported >= 0; per-outlet counts capped at 2 as the stated row caps them).  The log-odds offset of
  that fit is itself out of fold *within the training folds* (nested: models fitted without the held-out
  fold), so the held-out fold's labels reach neither the model nor the coverage weights it is scored with.

Each protocol scores its test folds once (the shipped model); the three readings (none, stated, fitted) are
computed from those scores, so ``test_split_scorings`` counts one model scoring, read four ways (the nested
fits score only training folds): the fourth, the stated row without its disagree term, was added after
reading the sampled reliable disagreements, so it is a diagnostic, not a tuned choice.  Also: what the
stated row does to articles labelled not misinformation (mean risk, share pushed to 0.5 or over).
Writes bench/results/coverage_risk.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from factsift.analyser import Analyser
from factsift.archive.index import NO_MODEL, ArchiveIndex
from factsift.archive.keep import kept_article
from factsift.archive.store import KeptArticle, open_article_archive
from factsift.config import config_at_edge
from factsift.coverage import evidence as stated
from factsift.coverage.evidence import coverage_evidence
from factsift.coverage.search import CANDIDATES_PER_QUERY, SHOWN_PER_QUERY, CoverageFinder, CoverageQuery, summarise
from factsift.coverage.stage import coverage_queries, own_outlet
from factsift.errors import InputError
from factsift.ml.logistic import logit, sigmoid_array
from factsift.model import Report
from factsift.scoring import SHIPPED_CANDIDATE
from factsift.scoring.datasets import load_all
from factsift.scoring.dedup import deduplicate
from factsift.scoring.evaluation import ece, folds_for, out_of_fold, roc_auc
from factsift.scoring.featurize import Example, analyse_row, evidence_stages, example_of
from factsift.scoring.train import CANDIDATES, FitCache
from risk_trust import (
    DEFAULT_DATA,
    PROTOCOLS,
    code_fingerprint,
    log,
    mean_over_datasets,
    outlet_class,
    with_base_rate_given,
)

HERE = Path(__file__).resolve().parent
#: The per-outlet counts are capped as the stated row caps them (+0.5 up to +1, -0.25 down to -0.5).
CAP = 2
#: Reliable disagreeing passages listed in the results, drawn at random, to read what "disagree" means here.
SAMPLES = 12
#: Characters of each sampled passage kept in the results.
PASSAGE_CHARS = 300
#: Bumped when what the cache holds (``Found``) changes.
CACHE_VERSION = 1


@dataclass(frozen=True)
class Analysed:
    """One training article: its risk features, what the archive keeps of it, and its coverage queries."""

    example: Example
    report: Report
    kept: KeptArticle
    queries: list[CoverageQuery]
    outlet: str | None


@dataclass(frozen=True)
class Found:
    """What coverage found for one article, as the risk score reads it (no label involved)."""

    related: bool
    reliable_disagree: int
    reliable_agree: int
    unreported: bool
    stated_log_odds: float
    #: (claim, outlet, passage) of each reliable outlet's disagreeing passage, to read what "disagree" means here
    disagreements: tuple[tuple[str, str, str], ...] = ()


def analyse_all(data: Path, sample: int | None) -> list[Analysed]:
    """The articles risk_trust featurises, analysed once by the same stages, with their kept form and queries."""
    rows, _ = deduplicate(load_all(data))
    if sample is not None and sample < len(rows):
        rows = sorted(random.Random(0).sample(rows, sample), key=lambda r: r.id)
    with tempfile.TemporaryDirectory() as empty:
        analyser = Analyser(config_at_edge(stages=evidence_stages(), db=Path(empty) / "no-archive.db", fast=True))
        out = []
        for index, row in enumerate(rows, 1):
            try:
                report = analyse_row(row, analyser)
            except InputError:
                continue  # as featurize: nothing left after cleaning
            kept = kept_article(report)
            out.append(Analysed(example_of(row, report), report, kept, coverage_queries(report), own_outlet(report)))
            if index % 250 == 0:
                log(f"  analysed {index}/{len(rows)} articles")
    return out


def find_all(analysed: list[Analysed], days: int = 7) -> list[Found]:
    """Each article's coverage in an archive of all of them (its own outlet and itself excluded)."""
    with tempfile.TemporaryDirectory() as folder:
        archive = open_article_archive(Path(folder) / "archive.db")
        archive.add(a.kept for a in analysed)
        index = ArchiveIndex(NO_MODEL)
        index.refresh(archive)
        finder = CoverageFinder(archive, index, None)
        found = []
        for number, item in enumerate(analysed, 1):
            window = finder.window(item.kept.published, days)
            hits = finder.retrieve(item.queries, window, item.outlet, CANDIDATES_PER_QUERY + 1)
            hits = [[h for h in group if h.article_id != item.kept.id][:CANDIDATES_PER_QUERY] for group in hits]
            per_query = finder.related(item.queries, hits, item.outlet, SHOWN_PER_QUERY)
            report = item.report
            asked = {q.claim_index: q.text for q in item.queries}
            report.coverage = [m for group in per_query for m in group]
            report.coverage_summary = [summarise(q, per_query[i], window) for i, q in enumerate(item.queries)]
            evidence = coverage_evidence(report) if report.coverage_summary else None
            found.append(
                Found(
                    related=bool(report.coverage),
                    reliable_disagree=len(evidence.disagreeing) if evidence else 0,
                    reliable_agree=len(evidence.agreeing) if evidence else 0,
                    unreported=evidence.unreported if evidence else False,
                    stated_log_odds=evidence.log_odds if evidence else 0.0,
                    disagreements=tuple(
                        (asked[m.claim_index], m.outlet or "", m.passage.text)
                        for m in report.coverage
                        if m.stance == "disagree" and m.outlet_label == "reliable"
                    ),
                )
            )
            if number % 250 == 0:
                log(f"  searched {number}/{len(analysed)} articles")
        archive.close()
    return found


def load(data: Path, cache: Path | None, sample: int | None) -> tuple[list[Example], list[Found], dict[str, Any]]:
    """Examples and their coverage, from ``cache`` when this code and data made it."""
    fingerprint = f"{code_fingerprint(data)}:{CACHE_VERSION}:{sample}"
    if cache is not None and cache.is_file():
        stored = pickle.loads(cache.read_bytes())
        if isinstance(stored, dict) and stored.get("fingerprint") == fingerprint:
            return stored["examples"], stored["found"], stored["timing"]
        log(f"{cache} was made by other code or data: analysing again")
    started = time.perf_counter()
    analysed = analyse_all(data, sample)
    analysing = time.perf_counter() - started
    found = find_all(analysed)
    timing = {
        "analyse_seconds": round(analysing, 1),
        "coverage_seconds": round(time.perf_counter() - started - analysing, 1),
    }
    examples = [a.example for a in analysed]
    if cache is not None:
        cache.write_bytes(
            pickle.dumps({"fingerprint": fingerprint, "examples": examples, "found": found, "timing": timing})
        )
    return examples, found, timing


def features(found: list[Found]) -> np.ndarray:
    """The three coverage features: reliable disagreeing outlets, agreeing ones (each capped), unreported."""
    return np.array([[min(f.reliable_disagree, CAP), min(f.reliable_agree, CAP), float(f.unreported)] for f in found])


def fit_weights(offset: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sign-constrained logistic weights of ``x`` over a fixed ``offset``.

    Bounds: disagree >= 0, agree <= 0, unreported >= 0 (the stated row's signs)."""

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = offset + x @ w
        p = sigmoid_array(z)
        value = float(np.sum(np.logaddexp(0.0, z) - y * z))
        return value, x.T @ (p - y)

    bounds = [(0.0, None), (None, 0.0), (0.0, None)]
    return np.asarray(minimize(loss, np.zeros(3), jac=True, method="L-BFGS-B", bounds=bounds).x)


def fire_rates(found: list[Found], examples: list[Example]) -> dict[str, Any]:
    """How often coverage fires, overall and by label."""

    def shares(items: list[Found]) -> dict[str, Any]:
        n = len(items)
        return {
            "n": n,
            "any_related": round(sum(f.related for f in items) / n, 4),
            "reliable_disagree": round(sum(f.reliable_disagree > 0 for f in items) / n, 4),
            "reliable_agree": round(sum(f.reliable_agree > 0 for f in items) / n, 4),
            "unreported": round(sum(f.unreported for f in items) / n, 4),
            "stated_row_moves": round(sum(f.stated_log_odds != 0 for f in items) / n, 4),
        }

    said = [(pair, e.article.label) for f, e in zip(found, examples, strict=True) for pair in f.disagreements]
    samples = random.Random(0).sample(said, min(SAMPLES, len(said)))
    return {
        "reliable_disagreement_samples": [
            {"claim": c, "outlet": o, "passage": p[:PASSAGE_CHARS], "passage_chars": len(p), "article_label": label}
            for (c, o, p), label in samples
        ],
        "all": shares(found),
        "misinformation": shares([f for f, e in zip(found, examples, strict=True) if e.article.label == 1]),
        "not_misinformation": shares([f for f, e in zip(found, examples, strict=True) if e.article.label == 0]),
        "by_dataset": {
            name: shares([f for f, e in zip(found, examples, strict=True) if e.article.dataset == name])
            for name in sorted({e.article.dataset for e in examples})
        },
        # the article's *own* outlet rating (as the risk model already reads it): how much of the coverage signal
        # it already carries
        "by_own_outlet_rating": {
            name: shares([f for f, e in zip(found, examples, strict=True) if outlet_class(e) == name])
            for name in ("reliable", "mixed", "unreliable", "unrated")
            if any(outlet_class(e) == name for e in examples)
        },
    }


def figures(tested: list[Example], scores: np.ndarray, assumed: list[float], cross: bool) -> dict[str, float]:
    """Mean-over-datasets AUC and ECE (and, cross-dataset, ECE with the base rate given)."""
    out = {"auc": mean_over_datasets(tested, scores, roc_auc), "ece": mean_over_datasets(tested, scores, ece)}
    if cross:
        out["ece_base_rate_given"] = mean_over_datasets(tested, with_base_rate_given(tested, scores, assumed), ece)
    return out


def false_accusations(y: np.ndarray, before: np.ndarray, after: np.ndarray) -> dict[str, float]:
    """What the stated row does to articles labelled not misinformation: their mean risk before and after, and
    the share it pushes to 0.5 or over from below."""
    real = y == 0
    p_before, p_after = sigmoid_array(before[real]), sigmoid_array(after[real])
    return {
        "not_misinformation_mean_risk_without": round(float(p_before.mean()), 4),
        "not_misinformation_mean_risk_with_stated_row": round(float(p_after.mean()), 4),
        "not_misinformation_pushed_to_high_by_stated_row": round(
            float(((p_before < 0.5) & (p_after >= 0.5)).mean()), 4
        ),
        "not_misinformation_high_without": round(float((p_before >= 0.5).mean()), 4),
        "not_misinformation_high_with_stated_row": round(float((p_after >= 0.5).mean()), 4),
    }


def measure(examples: list[Example], found: list[Found]) -> dict[str, Any]:
    """AUC/ECE without coverage, with the stated row and with fitted weights, per protocol."""
    config = CANDIDATES[SHIPPED_CANDIDATE]
    cache = FitCache()
    position = {id(e): i for i, e in enumerate(examples)}
    x_all = features(found)
    stated_all = np.array([f.stated_log_odds for f in found])
    # the stated row without its disagree term: read after the disagree samples (see the docstring), so a
    # fourth reading of the same scores, counted in ``readings_per_scoring``
    no_disagree_all = stated_all - np.array(
        [min(stated.DISAGREE_LOG_ODDS * f.reliable_disagree, stated.MAX_DISAGREE_LOG_ODDS) for f in found]
    )
    result: dict[str, Any] = {}
    for protocol in PROTOCOLS:
        assumed: list[float] = []
        tested, scores = out_of_fold(examples, protocol, config, cache, base_rates=assumed)
        fold_of = dict(zip((id(e) for e in examples), folds_for(examples, protocol, config.seed), strict=True))
        rows = np.array([position[id(e)] for e in tested])
        folds = np.array([fold_of[id(e)] for e in tested])
        y = np.array([e.article.label for e in tested], dtype=float)
        z = np.array([logit(float(p)) for p in scores])
        x = x_all[rows]
        fitted = np.empty_like(z)
        weights = {}
        for fold in sorted(set(folds.tolist())):
            # the offsets the weights are fitted over are out-of-fold scores *within the training folds* (models
            # that never saw the held-out fold), so no label of the held-out fold reaches its weights
            training = [e for e in examples if fold_of[id(e)] not in (None, fold)]
            inner, inner_scores = out_of_fold(training, protocol, config, cache)
            inner_rows = np.array([position[id(e)] for e in inner])
            inner_y = np.array([e.article.label for e in inner], dtype=float)
            inner_z = np.array([logit(float(p)) for p in inner_scores])
            w = fit_weights(inner_z, x_all[inner_rows], inner_y)
            weights[str(fold)] = [round(float(v), 4) for v in w]
            test = folds == fold
            fitted[test] = z[test] + x[test] @ w
        cross = protocol == "cross_dataset"
        block = {
            "tested": len(tested),
            "without_coverage": figures(tested, scores, assumed, cross),
            "stated_row": figures(tested, sigmoid_array(z + stated_all[rows]), assumed, cross),
            "fitted_on_training_folds": figures(tested, sigmoid_array(fitted), assumed, cross),
            "stated_row_without_disagree": figures(tested, sigmoid_array(z + no_disagree_all[rows]), assumed, cross),
            "false_accusations": false_accusations(y, z, z + stated_all[rows]),
            "fitted_weights_per_fold": weights,
            "fitted_weights_on_every_fold_descriptive_only": [round(float(v), 4) for v in fit_weights(z, x, y)],
        }
        log(f"  {protocol}: {json.dumps(block)}")
        result[protocol] = block
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, help="pickle of the analysed articles and their coverage")
    parser.add_argument("--sample", type=int, help="analyse only this many articles (seeded random sample)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "coverage_risk.json")
    args = parser.parse_args()
    started = time.perf_counter()
    examples, found, timing = load(args.data, args.cache, args.sample)
    log(f"{len(examples)} articles; {timing}")
    results: dict[str, Any] = {
        "articles": len(examples),
        "sample": args.sample,
        "window": "all dates (the datasets give no publication dates)",
        "stated_weights": {
            "disagree_per_reliable_outlet": stated.DISAGREE_LOG_ODDS,
            "disagree_max": stated.MAX_DISAGREE_LOG_ODDS,
            "agree_per_reliable_outlet": stated.AGREE_LOG_ODDS,
            "agree_max": stated.MAX_AGREE_LOG_ODDS,
            "unreported": stated.UNREPORTED_LOG_ODDS,
        },
        "fires": fire_rates(found, examples),
        **timing,
    }
    log(f"fires: {json.dumps(results['fires'])}")
    results["protocols"] = measure(examples, found)
    results["test_split_scorings"] = {protocol: 1 for protocol in PROTOCOLS}
    results["readings_per_scoring"] = [
        "without_coverage",
        "stated_row",
        "fitted_on_training_folds",
        "stated_row_without_disagree",
    ]
    results["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    fires = results["fires"]["all"]
    print(
        f"{len(examples)} articles: related coverage {fires['any_related']:.1%}, reliable disagree "
        f"{fires['reliable_disagree']:.1%}, reliable agree {fires['reliable_agree']:.1%}, "
        f"unreported {fires['unreported']:.1%}"
    )
    for protocol, block in results["protocols"].items():
        for reading in results["readings_per_scoring"] + ["false_accusations"]:
            print(f"{protocol} {reading}: {block[reading]}")
        print(
            f"{protocol} fitted weights on every fold (descriptive only): "
            f"{block['fitted_weights_on_every_fold_descriptive_only']}"
        )
    print(f"wrote {args.out} in {results['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
