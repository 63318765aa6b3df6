"""The risk figures of issue 24: topic bias, what removing it costs, and calibration per feed.

    .venv/bin/python bench/risk_trust.py [--data ../shared/data/articles] [--cache FILE]

* Topic bias: topics whose articles are more often misinformation than the data overall
  (``PRONE``, chosen by that rule from ``TOPICS`` and printed) and the mean out-of-fold risk of the
  *reliable* articles on them, before (the previous wording model: word uni- and bigrams), with the
  style model (function words, content words masked), with the previously shipped one (style, its
  weight shrunk on short texts), with the topic-balanced candidates (``TOPIC_BALANCED``) and with the
  shipped one (style and plain words, topic-balanced by the lexicon, shrunk on short texts), beside
  reliable articles on none of them, and the within-topic AUC (reliable vs unreliable on the same
  topics).  "Reliable" is the dataset's label: many of those articles are true posts of pages whose
  *outlet* is rated unreliable, which the outlet rating rightly raises, so
  the figures are also given per outlet-rating class and at the outlet mix of the reliable articles on
  no prone topic (direct standardisation: the topic's own effect, the outlet mix held fixed), and
  what the first figure would be if the topic moved nothing within an outlet-rating class.  Plus
  the issue's probes, scored by models fitted on every article: a well-sourced report of a study that
  found no MMR-autism link, and one-line inputs ("Just a headline", ...).
* Cost: mean ROC AUC and ECE over held-out datasets under the outlet-disjoint and cross-dataset
  protocols for both models (and without any text model), and the cross-dataset ECE with each held-out
  dataset's base rate given (Bayes' prior shift to its true share of fakes, as ``--base-rate`` does;
  target <= 0.05) beside the base-rate-free figure (a stated limit, see docs/factchecks-trust.md), and
  the ECE a *perfectly* calibrated model with the same scores would show on datasets of these sizes
  (labels drawn from the scores themselves, ``FLOOR_DRAWS`` times): the noise floor of that target; and,
  as a diagnostic that uses the test labels, the ECE after the best Platt fit on each held-out dataset.
* Per-feed calibration: for each held-out dataset (cross-dataset protocol, after-model scores), ``n``
  labelled articles drawn at random fit ``factsift risk calibrate``'s calibration and the rest of the
  dataset measures its ECE; ``REPEATS`` draws per ``n`` in ``LABELS``; datasets too small for ``n`` plus
  50 test rows are skipped for that ``n``.

Each protocol scores its test folds once per model (``test_split_scorings`` in the JSON counts them).
Writes bench/results/risk_trust.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import factsift
from factsift.ml.logistic import logit, sigmoid, sigmoid_array
from factsift.pipeline import analyse
from factsift.scoring import SHIPPED_CANDIDATE
from factsift.scoring.datasets import load_all
from factsift.scoring.dedup import deduplicate
from factsift.scoring.evaluation import ece, out_of_fold, roc_auc
from factsift.scoring.explain import assess
from factsift.scoring.featurize import Example, evidence_stages, featurize
from factsift.scoring.feedcalibration import fit_feed_calibration
from factsift.scoring.topics import TOPICS, lexicon_topics
from factsift.scoring.train import CANDIDATES, FitCache, FitConfig, fit, platt, without_text

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "articles"
BEFORE = "outlet-text-dataset-calibrated"
STYLE = "style-outlet-text-dataset-calibrated"
PREVIOUS = "style-shrunk-outlet-text-dataset-calibrated"  # shipped before the topic-balanced model
AFTER = SHIPPED_CANDIDATE
WITHIN = "style-shrunk-within-dataset-calibrated"
#: Wording models of issue 24's "topic-balanced training" (word n-grams, or style and plain words, weighted so that
#: both classes weigh the same within each topic), measured beside the shipped one, which is one of them.
TOPIC_BALANCED = (
    "ngram-shrunk",
    "ngram-topic-balanced-shrunk",
    "ngram-lexicon-balanced-shrunk",
    "style-words-topic-balanced-shrunk",
    "style-words-lexicon-balanced-shrunk",
    "style-words-cluster-lexicon-balanced-shrunk",
)
FLOOR_DRAWS = 200
PROTOCOLS = ("outlet", "cross_dataset")
LABELS = (25, 50, 100, 200)
REPEATS = 20
MIN_TEST = 50
PROBES = {
    "well-sourced MMR study report": (
        "Large Danish study finds no link between MMR vaccine and autism",
        "By Maria Lindqvist, health correspondent. Published 5 March 2019.\n\n"
        "Children who received the measles, mumps and rubella (MMR) vaccine were no more likely to be diagnosed "
        "with autism than children who did not receive it, according to a study of 657,461 children born in "
        "Denmark between 1999 and 2010. The study, led by Anders Hviid of the Statens Serum Institut in "
        "Copenhagen, was published on Tuesday in the Annals of Internal Medicine. The researchers followed the "
        "children for an average of eight years using national health registers and found 6,517 diagnoses of "
        "autism. The vaccine did not increase the risk in any subgroup, including children with a sibling with "
        'autism, the authors wrote. "The study strongly supports that MMR vaccination does not increase the '
        'risk for autism," Hviid said in a statement. The findings agree with earlier reviews by the World '
        "Health Organization and the US Centers for Disease Control and Prevention. Public health officials "
        "said they hoped the results would reassure parents at a time when measles cases are rising in Europe "
        "and the United States.",
    ),
    "just a headline": (None, "Just a headline"),
    "one line: vaccines do not cause autism": (None, "Vaccines do not cause autism."),
    "one line: the weather in Paris": (None, "The weather in Paris was sunny in 2023."),
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def code_fingerprint(data: Path) -> str:
    """A hash of factsift's code and shipped data (signals, their scales, ...) and the data directory's path: the
    featurised articles depend on all of them, so a cache made by other code or data is rebuilt, not reused."""
    digest = hashlib.sha256(str(data.resolve()).encode())
    package = Path(factsift.__file__).resolve().parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_examples(data: Path, cache: Path | None) -> list[Example]:
    """Featurised articles (analysed by the evidence stages), from ``cache`` when it was made by this code."""
    fingerprint = code_fingerprint(data)
    if cache is not None and cache.is_file():
        stored = pickle.loads(cache.read_bytes())
        if isinstance(stored, dict) and stored.get("fingerprint") == fingerprint:
            examples: list[Example] = stored["examples"]
            return examples
        log(f"{cache} was made by other code or data: featurising again")
    rows, _ = deduplicate(load_all(data))
    with tempfile.TemporaryDirectory() as empty:
        examples = featurize(rows, db=Path(empty) / "no-factchecks.db", progress=True)
    if cache is not None:
        cache.write_bytes(pickle.dumps({"fingerprint": fingerprint, "examples": examples}))
    return examples


def topics_of(example: Example) -> set[str]:
    """The topics an article's headline and lead mention."""
    return lexicon_topics(example.document)


def prone_topics(examples: list[Example]) -> dict[str, dict[str, float]]:
    """Topics whose articles are misinformation more often than the data's overall share."""
    overall = statistics.fmean(e.article.label for e in examples)
    out = {}
    for name in TOPICS:
        labels = [e.article.label for e in examples if name in topics_of(e)]
        if labels and statistics.fmean(labels) > overall:
            out[name] = {"articles": len(labels), "share_fake": round(statistics.fmean(labels), 4)}
    return out


def mean_over_datasets(tested: list[Example], scores: np.ndarray, metric: Any) -> float:
    """``metric(labels, scores)`` per dataset, averaged over datasets."""
    values = []
    for name in sorted({e.article.dataset for e in tested}):
        idx = np.array([i for i, e in enumerate(tested) if e.article.dataset == name])
        y = np.array([tested[i].article.label for i in idx])
        values.append(metric(y, scores[idx]))
    return round(statistics.fmean(v for v in values if np.isfinite(v)), 4)


def with_base_rate_given(tested: list[Example], scores: np.ndarray, assumed: list[float]) -> np.ndarray:
    """Scores moved by Bayes' rule from each model's assumed base rate to the held-out dataset's true one."""
    moved = scores.copy()
    for name in {e.article.dataset for e in tested}:
        idx = np.array([i for i, e in enumerate(tested) if e.article.dataset == name])
        rate = statistics.fmean(tested[i].article.label for i in idx)
        for i in idx:
            moved[i] = sigmoid(logit(float(scores[i])) + logit(rate) - logit(assumed[i]))
    return moved


def outlet_class(example: Example) -> str:
    """The article's outlet-rating class as the risk model saw it: reliable, mixed, unreliable or unrated."""
    values = example.values
    if values.get("source_missing") or values.get("source_unrated"):
        return "unrated"
    if values.get("source_unreliable"):
        return "unreliable"
    return "mixed" if values.get("source_mixed") else "reliable"


def topic_figures(tested: list[Example], scores: np.ndarray, prone: set[str]) -> dict[str, Any]:
    """Mean risk of reliable articles on prone topics and on none, per outlet-rating class and at the outlet
    mix of those on no prone topic (see the module docstring), and the AUC within the prone topics."""
    on = np.array([bool(topics_of(e) & prone) for e in tested])
    y = np.array([e.article.label for e in tested])
    outlet = np.array([outlet_class(e) for e in tested])
    reliable_on, reliable_off = scores[(y == 0) & on], scores[(y == 0) & ~on]
    per_class: dict[str, Any] = {}
    standardised = no_topic_effect = 0.0
    for name in ("reliable", "mixed", "unreliable", "unrated"):
        cell_on, cell_off = scores[(y == 0) & on & (outlet == name)], scores[(y == 0) & ~on & (outlet == name)]
        per_class[name] = {
            "on_prone": {"n": len(cell_on), "mean_risk": round(float(cell_on.mean()), 4) if len(cell_on) else None},
            "on_none": {"n": len(cell_off), "mean_risk": round(float(cell_off.mean()), 4) if len(cell_off) else None},
        }
        if len(cell_off):
            standardised += len(cell_off) / len(reliable_off) * float((cell_on if len(cell_on) else cell_off).mean())
        if len(cell_on):
            no_topic_effect += len(cell_on) / len(reliable_on) * float((cell_off if len(cell_off) else cell_on).mean())
    return {
        "reliable_on_prone_topics": {"n": len(reliable_on), "mean_risk": round(float(reliable_on.mean()), 4)},
        "reliable_on_no_prone_topic": {"n": len(reliable_off), "mean_risk": round(float(reliable_off.mean()), 4)},
        "topic_gap": round(float(reliable_on.mean() - reliable_off.mean()), 4),
        "reliable_on_prone_topics_at_the_outlet_mix_of_the_rest": round(standardised, 4),
        "topic_gap_at_the_same_outlet_mix": round(standardised - float(reliable_off.mean()), 4),
        # the first figure if the topic moved nothing within an outlet-rating class: what the outlet mix alone gives
        "reliable_on_prone_topics_if_the_topic_moved_nothing": round(no_topic_effect, 4),
        "by_outlet_rating": per_class,
        "auc_within_prone_topics": round(roc_auc(y[on], scores[on]), 4),
        "flagged_high_share_of_reliable_on_prone_topics": round(float((reliable_on >= 0.5).mean()), 4),
    }


def ece_best_per_dataset_platt(tested: list[Example], scores: np.ndarray) -> float:
    """Diagnostic only (it fits on the test labels): the mean ECE after the best slope and shift for each held-out
    dataset, a bound no calibration learnt without that dataset's labels can beat."""
    values = []
    for name in sorted({e.article.dataset for e in tested}):
        idx = np.array([i for i, e in enumerate(tested) if e.article.dataset == name])
        y = np.array([tested[i].article.label for i in idx])
        z = np.array([logit(float(p)) for p in scores[idx]])
        slope, shift = platt(z, y)
        values.append(ece(y, sigmoid_array(slope * z + shift)))
    return round(statistics.fmean(values), 4)


def ece_floor(tested: list[Example], scores: np.ndarray) -> float:
    """The mean-over-datasets ECE of a perfectly calibrated model with these scores: labels drawn from the
    scores themselves, ``FLOOR_DRAWS`` times; what finite datasets alone add to the measured ECE."""
    rng = np.random.default_rng(0)
    values = []
    for name in sorted({e.article.dataset for e in tested}):
        p = scores[np.array([i for i, e in enumerate(tested) if e.article.dataset == name])]
        values.append(statistics.fmean(ece((rng.random(len(p)) < p).astype(int), p) for _ in range(FLOOR_DRAWS)))
    return round(statistics.fmean(values), 4)


def feed_calibration_curve(tested: list[Example], scores: np.ndarray) -> dict[str, Any]:
    """ECE of held-out datasets after a calibration fitted on ``n`` of their labelled articles."""
    rng = np.random.default_rng(0)
    z = np.array([logit(float(p)) for p in scores])
    curve: dict[str, Any] = {}
    for n in LABELS:
        per_dataset: dict[str, float] = {}
        for name in sorted({e.article.dataset for e in tested}):
            idx = np.array([i for i, e in enumerate(tested) if e.article.dataset == name])
            if len(idx) < n + MIN_TEST:
                continue
            y = np.array([tested[i].article.label for i in idx])
            values = []
            for _ in range(REPEATS):
                chosen = rng.permutation(len(idx))
                train, test = chosen[:n], chosen[n:]
                if y[train].min() == y[train].max():
                    continue
                calibration = fit_feed_calibration(z[idx][train], y[train])
                p = sigmoid_array(calibration.slope * z[idx][test] + calibration.shift)
                values.append(ece(y[test], p))
            if values:
                per_dataset[name] = round(statistics.fmean(values), 4)
        curve[str(n)] = {"mean_ece": round(statistics.fmean(per_dataset.values()), 4), "datasets": per_dataset}
        log(f"  feed calibration with {n} labels: mean ECE {curve[str(n)]['mean_ece']:.3f} {per_dataset}")
    return curve


def probe_scores(model_config: FitConfig, examples: list[Example], cache: FitCache) -> dict[str, Any]:
    """The issue's probe texts scored by a model fitted on every article (the pipeline's fast stages)."""
    model = fit(examples, model_config, cache=cache)
    out = {}
    for name, (title, body) in PROBES.items():
        text = f"{title}\n\n{body}" if title else body
        report = analyse(text=text, stages=evidence_stages(), fast=True)
        risk = assess(model, report)
        out[name] = {"score": risk.score, "label": risk.label, "summary": risk.summary}
    return out


def evaluate(
    examples: list[Example], config: FitConfig, prone: set[str], cache: FitCache, *, curve: bool
) -> dict[str, Any]:
    """AUC, ECE (and cross-dataset with the base rate given) and the topic figures for one configuration
    (``cache``: text fits shared with the configurations that read the wording the same way)."""
    result: dict[str, Any] = {}
    for protocol in PROTOCOLS:
        started = time.perf_counter()
        assumed: list[float] = []
        tested, scores = out_of_fold(examples, protocol, config, cache, base_rates=assumed)
        block: dict[str, Any] = {
            "auc": mean_over_datasets(tested, scores, roc_auc),
            "ece": mean_over_datasets(tested, scores, ece),
            "topics": topic_figures(tested, scores, prone),
        }
        if protocol == "cross_dataset":
            given = with_base_rate_given(tested, scores, assumed)
            block["ece_base_rate_given"] = mean_over_datasets(tested, given, ece)
            block["ece_base_rate_given_floor"] = ece_floor(tested, given)
            block["ece_best_per_dataset_platt_on_test_labels"] = ece_best_per_dataset_platt(tested, scores)
            if curve:
                block["feed_calibration"] = feed_calibration_curve(tested, scores)
        block["seconds"] = round(time.perf_counter() - started, 1)
        log(f"  {protocol}: {json.dumps({k: v for k, v in block.items() if k != 'feed_calibration'})}")
        result[protocol] = block
    if config.text is not None:
        result["probes"] = probe_scores(config, examples, cache)
        log(f"  probes: {result['probes']}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--cache", type=Path, help="pickle of the featurised articles (written when missing or made by other code)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "risk_trust.json")
    args = parser.parse_args()
    started = time.perf_counter()
    examples = load_examples(args.data, args.cache)
    prone = prone_topics(examples)
    log(f"{len(examples)} articles; misinformation-prone topics: {prone}")
    results: dict[str, Any] = {"prone_topics": prone, "models": {}}
    caches: dict[Any, FitCache] = {}
    models = (
        (f"before: {BEFORE}", CANDIDATES[BEFORE]),
        (f"style only: {STYLE}", CANDIDATES[STYLE]),
        (f"previously shipped: {PREVIOUS}", CANDIDATES[PREVIOUS]),
        (f"measured, not shipped: {WITHIN}", CANDIDATES[WITHIN]),
        ("no text model", without_text(CANDIDATES[AFTER])),
        *((f"topic-balanced candidate: {name}", CANDIDATES[name]) for name in TOPIC_BALANCED if name != AFTER),
        (f"after (shipped): {AFTER}", CANDIDATES[AFTER]),
    )
    for name, config in models:
        log(name)
        cache = caches.setdefault(config.text, FitCache())
        results["models"][name] = evaluate(examples, config, set(prone), cache, curve=name.startswith("after"))
    results["test_split_scorings"] = {protocol: len(models) for protocol in PROTOCOLS}
    results["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    for name, result in results["models"].items():
        outlet, cross = result["outlet"], result["cross_dataset"]
        topics = outlet["topics"]
        print(
            f"{name}: outlet AUC {outlet['auc']:.3f} ECE {outlet['ece']:.3f}; cross-dataset AUC {cross['auc']:.3f} "
            f"ECE {cross['ece']:.3f} (base rate given: {cross['ece_base_rate_given']:.3f}, floor "
            f"{cross['ece_base_rate_given_floor']:.3f}, best Platt on the test labels "
            f"{cross['ece_best_per_dataset_platt_on_test_labels']:.3f}); reliable articles on prone topics: mean risk "
            f"{topics['reliable_on_prone_topics']['mean_risk']:.3f} (gap {topics['topic_gap']:+.3f}; at the same "
            f"outlet mix {topics['reliable_on_prone_topics_at_the_outlet_mix_of_the_rest']:.3f}, "
            f"gap {topics['topic_gap_at_the_same_outlet_mix']:+.3f})"
        )
        for probe, scored in result.get("probes", {}).items():
            print(f"  {probe}: {scored['score']:.0%} {scored['label']}")
    print(f"wrote {args.out} in {results['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
