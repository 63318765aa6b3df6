"""Training, calibration, saving and the evaluation protocols, on synthetic featurised examples."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from factsift.scoring.datasets import LabelledArticle
from factsift.scoring.evaluation import accuracy, brier, ece, folds_for, out_of_fold, predict, roc_auc
from factsift.scoring.features import evidence_feature_names, signal_names, warning_signs
from factsift.scoring.featurize import Example
from factsift.scoring.riskmodel import read_model
from factsift.scoring.textmodel import TextConfig
from factsift.scoring.train import (
    SHRINK_GRID,
    CrossFit,
    FitCache,
    FitConfig,
    cross_fit,
    domains_of,
    fit,
    fit_text,
    fit_text_shrinkage,
    logistic_l2,
    platt,
    platt_within_datasets,
    sample_weights,
    shrunk,
    without_source,
    without_text,
)

FAKE_WORDS = ["shocking", "secret", "they", "hide", "truth", "exposed", "insiders", "bombshell"]
REAL_WORDS = ["committee", "budget", "said", "percent", "report", "official", "quarter", "vote"]


def synthetic(n: int = 240, seed: int = 1) -> list[Example]:
    """Examples whose outlet rating and wording both carry (noisy) signal, as the real stages would give."""
    rng = random.Random(seed)
    examples = []
    for i in range(n):
        label = i % 2
        words = FAKE_WORDS if label else REAL_WORDS
        mixed = [rng.choice(words if rng.random() < 0.7 else FAKE_WORDS + REAL_WORDS) for _ in range(60)]
        values = dict.fromkeys(evidence_feature_names(), 0.0)
        values["source_score"] = (0.25 if label else 0.75) + rng.gauss(0, 0.2) - 0.5
        values["source_unreliable"] = float(values["source_score"] < -0.2)
        values["signal_anonymous_sourcing"] = min(1.0, max(0.0, (0.6 if label else 0.3) + rng.gauss(0, 0.2)))
        for name in signal_names():
            if name != "anonymous_sourcing":
                values[f"signal_{name}"] = rng.random()
        values["claims_missing"] = 1.0
        values["factchecks_missing"] = 1.0
        values["length"] = 0.6
        dataset = ["alpha", "beta", "gamma"][i % 3]
        article = LabelledArticle(
            id=f"{dataset}:{i}",
            dataset=dataset,
            title=None,
            text=" ".join(mixed),
            label=label,
            outlet=f"outlet{i % 17}.com",
        )
        examples.append(
            Example(
                article=article, values=values, document=" ".join(mixed), shrink=1.0, decisive=False, stages=("ingest",)
            )
        )
    return examples


CONFIG = FitConfig(text=TextConfig(word_ngrams=1, char_ngrams=0), min_df=1, folds=3)


def test_fit_learns_the_evidence_and_calibrates(tmp_path: Path) -> None:
    examples = synthetic()
    model = fit(examples, CONFIG, trained_on="synthetic")
    weights = dict(zip(model.features, model.weights, strict=True))
    assert weights["source_score"] < 0  # a better-rated outlet lowers the risk
    assert weights["signal_anonymous_sourcing"] > 0
    assert weights["text_model"] > 0
    assert weights["claims_missing"] == 0.0  # constant in training: no weight
    fresh = synthetic(seed=2)
    scores = predict(model, fresh)
    labels = np.array([e.article.label for e in fresh])
    assert roc_auc(labels, scores) > 0.9
    assert ece(labels, scores) < 0.15
    path = tmp_path / "model.json.gz"
    model.save(path)
    first = path.read_bytes()
    model.save(path)
    assert path.read_bytes() == first  # deterministic artifact
    model.save(tmp_path / "elsewhere.json.gz")
    assert (tmp_path / "elsewhere.json.gz").read_bytes() == first  # the file name is not stored in it
    restored = read_model(path)
    assert np.allclose(predict(restored, fresh), scores, atol=1e-3)


def test_warning_signs_get_no_negative_weight() -> None:
    """A warning sign that goes with *real* articles in training is held at zero, not made protective."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] - 0.8 * x[:, 1] + rng.normal(size=400) > 0).astype(int)
    weights = np.ones(400)
    free, _ = logistic_l2(x, y, weights, 1.0)
    bounded, _ = logistic_l2(x, y, weights, 1.0, signs=np.array([0, 1]))
    assert free[1] < -0.3 and bounded[1] == 0.0 and bounded[0] > 0
    flipped, _ = logistic_l2(x, y, weights, 1.0, signs=np.array([-1, 0]))  # a "can only lower" column
    assert free[0] > 0.3 and flipped[0] == 0.0
    examples = synthetic()
    for example in examples:  # clickbait now marks the real articles
        example.values["signal_clickbait_headline"] = 0.9 - 0.6 * example.article.label
    model = fit(examples, CONFIG)
    by_name = dict(zip(model.features, model.weights, strict=True))
    assert by_name["signal_clickbait_headline"] == 0.0
    assert by_name["signal_anonymous_sourcing"] > 0
    assert all(by_name[name] >= 0 for name in warning_signs())


def test_logistic_l2_matches_scikit_learn_without_bounds() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(5)
    x = rng.normal(size=(300, 3))
    y = (x @ np.array([1.5, -0.5, 0.0]) + rng.normal(size=300) > 0).astype(int)
    weights = rng.uniform(0.5, 2.0, size=300)
    reference = LogisticRegression(C=0.5, max_iter=5000, tol=1e-10).fit(x, y, sample_weight=weights)
    coef, intercept = logistic_l2(x, y, weights, 0.5)
    assert np.allclose(coef, reference.coef_[0], atol=1e-4)
    assert abs(intercept - reference.intercept_[0]) < 1e-4


def test_ablations_drop_their_features() -> None:
    examples = synthetic(120)
    no_source = fit(examples, without_source(CONFIG))
    no_text = fit(examples, without_text(CONFIG))
    assert not any(f.startswith("source_") for f in no_source.features)
    assert "text_model" not in no_text.features and no_text.text is None


def test_outlet_protocol_never_shares_an_outlet() -> None:
    examples = synthetic(120)
    folds = folds_for(examples, "outlet")
    by_outlet: dict[str, set[int | None]] = {}
    for example, fold in zip(examples, folds, strict=True):
        by_outlet.setdefault(example.article.outlet or "", set()).add(fold)
    assert all(len(f) == 1 for f in by_outlet.values())
    cross = folds_for(examples, "cross_dataset")
    assert len(set(cross)) == 3


def test_out_of_fold_scores_every_tested_row_once() -> None:
    examples = synthetic(90)
    tested, scores = out_of_fold(examples, "cross_dataset", without_text(CONFIG))
    assert len(tested) == len(examples) == len(scores)
    assert len({e.article.id for e in tested}) == len(examples)


def test_metrics() -> None:
    y = np.array([0, 0, 1, 1])
    assert roc_auc(y, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)
    assert roc_auc(y, np.array([0.5, 0.5, 0.5, 0.5])) == pytest.approx(0.5)
    assert accuracy(y, np.array([0.2, 0.6, 0.7, 0.9])) == pytest.approx(0.75)
    assert brier(y, y.astype(float)) == 0.0
    assert ece(np.array([0, 1] * 50), np.full(100, 0.5)) == pytest.approx(0.0)
    assert ece(np.array([0] * 10), np.full(10, 0.9)) == pytest.approx(0.9)


def test_balanced_weights_give_each_dataset_the_same_total() -> None:
    examples = synthetic(90)[:70]  # datasets of unequal size
    weights = sample_weights(examples, FitConfig(balance_datasets=True))
    totals: dict[str, float] = {}
    for example, weight in zip(examples, weights, strict=True):
        totals[example.article.dataset] = totals.get(example.article.dataset, 0.0) + float(weight)
    assert max(totals.values()) == pytest.approx(min(totals.values()))
    assert np.allclose(sample_weights(examples, FitConfig(balance_datasets=False)), 1.0)
    assert fit(examples, FitConfig(text=None, balance_datasets=True)).info["config"]["balance_datasets"] is True


def test_cli_default_candidate_is_the_shipped_one() -> None:
    from factsift.cli import build_parser
    from factsift.scoring import SHIPPED_CANDIDATE
    from factsift.scoring.train import CANDIDATES

    args = build_parser().parse_args(["train", "risk", "--data", "x"])
    assert args.candidate == SHIPPED_CANDIDATE and SHIPPED_CANDIDATE in CANDIDATES


def _relabel(examples: list[Example], dataset: str, flip: bool) -> list[Example]:
    """The same examples, with the labels of ``dataset`` flipped when ``flip``."""
    out = []
    for e in examples:
        if flip and e.article.dataset == dataset:
            article = replace(e.article, label=1 - e.article.label)
            e = replace(e, article=article)
        out.append(e)
    return out


def _with_beta_flipped(examples: list[Example], config: FitConfig) -> tuple[CrossFit, CrossFit, npt.NDArray[np.bool_]]:
    """Cross-fitted scores with dataset beta's labels as they are and flipped, and which examples are beta's."""
    _, honest = cross_fit(examples, config, FitCache())
    _, flipped = cross_fit(_relabel(examples, "beta", True), config, FitCache())
    return honest, flipped, np.array([e.article.dataset == "beta" for e in examples])


def test_cross_fitting_never_scores_a_dataset_with_a_model_that_saw_its_labels() -> None:
    examples = synthetic(180)
    config = replace(CONFIG, text_held_out="dataset", calibration_held_out="dataset")
    honest, flipped, beta = _with_beta_flipped(examples, config)
    assert honest.text is not None and flipped.text is not None
    assert np.allclose(honest.text[beta], flipped.text[beta])  # beta's own labels never reach its text scores
    assert not np.allclose(honest.text[~beta], flipped.text[~beta])  # the others' text models did learn from beta
    evidence_only = without_text(config)
    _, honest = cross_fit(examples, evidence_only, FitCache())
    _, flipped = cross_fit(_relabel(examples, "beta", True), evidence_only, FitCache())
    assert np.allclose(honest.log_odds[beta], flipped.log_odds[beta])  # nor its evidence-model scores
    assert not np.allclose(honest.log_odds[~beta], flipped.log_odds[~beta])


def test_in_domain_cross_fitting_does_use_the_same_dataset() -> None:
    examples = synthetic(180)
    config = replace(CONFIG, text_held_out="group", calibration_held_out="group")
    honest, flipped, beta = _with_beta_flipped(examples, config)
    assert not np.allclose(honest.log_odds[beta], flipped.log_odds[beta])


def test_outlet_parts_keep_each_outlet_together_and_datasets_fall_back_to_groups() -> None:
    examples = synthetic(120)
    parts = domains_of(examples, "outlet", CONFIG)
    by_outlet: dict[str, set[str]] = {}
    for example, part in zip(examples, parts, strict=True):
        by_outlet.setdefault(example.article.outlet or "", set()).add(part)
    assert all(len(p) == 1 for p in by_outlet.values()) and len(set(parts)) == CONFIG.folds
    assert domains_of(examples, "dataset", CONFIG) == [e.article.dataset for e in examples]
    alpha = [e for e in examples if e.article.dataset == "alpha"]
    assert set(domains_of(alpha, "dataset", CONFIG)) == {f"part{i}" for i in range(CONFIG.folds)}


def test_class_balanced_weights_assume_a_base_rate_of_one_half() -> None:
    examples = [e for e in synthetic(240) if e.article.label == 0 or e.article.dataset != "gamma"]
    config = replace(CONFIG, balance_classes=True)
    weights = sample_weights(examples, config)
    cells: dict[tuple[str, int], float] = {}
    for example, weight in zip(examples, weights, strict=True):
        key = (example.article.dataset, example.article.label)
        cells[key] = cells.get(key, 0.0) + float(weight)
    assert max(cells.values()) == pytest.approx(min(cells.values()))
    assert float(weights.mean()) == pytest.approx(1.0)
    rng = random.Random(5)
    noisy = [
        replace(e, article=replace(e.article, label=1 - e.article.label)) if rng.random() < 0.3 else e
        for e in synthetic(360)
    ]
    rare = [e for e in noisy if e.article.label == 0 or rng.random() < 0.4]
    model = fit(rare, config)
    assert model.base_rate == pytest.approx(0.5) and model.info["assumed_base_rate"] == pytest.approx(0.5)
    natural = fit(rare, replace(config, balance_classes=False))
    assert natural.base_rate < 0.35
    assert predict(model, rare).mean() > predict(natural, rare).mean() + 0.1


def test_fit_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both"):
        fit([e for e in synthetic(60) if e.article.label == 0], CONFIG)


def test_text_fits_are_cached_and_a_grown_corpus_gives_the_same_model() -> None:
    examples = synthetic(150)
    config = CONFIG
    cache = FitCache()
    first = fit_text(examples[:100], config, cache)
    assert fit_text(examples[:100], config, cache) is first
    grown = fit_text(examples[50:], config, cache)  # counts 50 new documents into the cached corpus
    fresh = fit_text(examples[50:], config, FitCache())
    assert grown.weights.keys() == fresh.weights.keys()
    assert all(np.allclose(grown.weights[t], fresh.weights[t]) for t in fresh.weights)
    assert grown.intercept == pytest.approx(fresh.intercept)


def test_length_shrinkage_is_fitted_and_carried_by_the_text_model() -> None:
    """With ``shrink_text`` the cross-fitted wording of short training texts is pulled to the centre by the
    fitted k, and the shipped text model carries the same k and centre."""
    examples = synthetic(240)
    short = [  # a quarter of the texts cut to three words: their wording is nearly noise
        replace(e, document=" ".join(e.document.split()[:3])) if i % 4 == 0 else e for i, e in enumerate(examples)
    ]
    config = replace(CONFIG, shrink_text=True)
    model = fit(short, config)
    assert model.text is not None and model.text.shrink_words in SHRINK_GRID
    assert model.info["text_shrink_words"] == model.text.shrink_words
    assert fit(short, CONFIG).text.shrink_words == 0.0  # type: ignore[union-attr]
    words, z = np.array([3.0, 300.0]), np.array([2.0, 2.0])
    assert shrunk(z, words, 0.5, 16.0).tolist() == pytest.approx([0.5 + 1.5 * 3 / 19, 0.5 + 1.5 * 300 / 316])
    centre, k = fit_text_shrinkage(
        np.array([3.0, -3.0] * 50 + [2.0, -2.0] * 50),  # long texts' wording right, short ones' backwards ...
        np.array([300.0] * 100 + [2.0] * 100),
        np.array([1, 0] * 50 + [0, 1] * 50),
        np.ones(200),
    )
    assert k == max(SHRINK_GRID) and centre == pytest.approx(0.0)  # ... so short texts are shrunk hardest


def test_within_dataset_calibration_fits_the_slope_inside_each_dataset() -> None:
    """Two datasets whose scores sit at different levels: pooled Platt flattens the slope, one intercept per
    dataset recovers the slope that holds inside each, and the model's intercept is their weighted mean."""
    rng = np.random.default_rng(3)
    z = rng.normal(size=4000)
    datasets = ["a"] * 2000 + ["b"] * 2000
    offset = np.where(np.array(datasets) == "a", 1.5, -1.5)
    y = (rng.random(4000) < 1 / (1 + np.exp(-(2.0 * z + offset)))).astype(int)
    shifted = z + np.where(np.array(datasets) == "a", -1.0, 1.0)  # the model misplaces each dataset
    a, b = platt_within_datasets(shifted, y, np.ones(4000), datasets)
    pooled, _ = platt(shifted, y, np.ones(4000))
    assert a == pytest.approx(2.0, abs=0.2) and pooled < a - 0.5
    assert b == pytest.approx(0.0, abs=0.25)
    assert platt_within_datasets(shifted, y, np.ones(4000), ["a"] * 4000) == platt(shifted, y, np.ones(4000))
