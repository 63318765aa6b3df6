"""Topic-balanced training of the wording model (issue 24): topics, their weights, and what they remove."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from factsift.scoring.datasets import LabelledArticle
from factsift.scoring.featurize import Example
from factsift.scoring.textmodel import TextConfig, TextModel, terms
from factsift.scoring.topics import lexicon_topic, lexicon_topics, topic_balanced_weights, topic_clusters
from factsift.scoring.train import FitCache, FitConfig, fit_text, topics_for


def test_balanced_weights_give_every_topic_the_same_balance_of_classes() -> None:
    topics = ["a"] * 10 + ["b"] * 10 + ["c"] * 4
    labels = np.array([1] * 8 + [0] * 2 + [1] * 3 + [0] * 7 + [0] * 4)
    weights = topic_balanced_weights(topics, labels)
    assert weights.mean() == pytest.approx(1.0)
    assert weights[labels == 1].sum() == pytest.approx(weights[labels == 0].sum())
    ratios = []  # fakes' weight over the rest's, within each topic with both: the same in every topic
    for topic in ("a", "b"):
        mask = np.array([t == topic for t in topics])
        ratios.append(weights[mask & (labels == 1)].sum() / weights[mask & (labels == 0)].sum())
    assert ratios[0] == pytest.approx(ratios[1])
    assert len(set(weights[-4:].tolist())) == 1  # a topic with one class: its articles weigh alike
    # a lone fake among 40 is not made to outweigh them: it weighs 5 times a fake of a balanced topic, not 20.5
    capped = topic_balanced_weights(["a"] * 41 + ["b"] * 40, np.array([1] + [0] * 40 + [1, 0] * 20), cap=5.0)
    assert capped[0] / capped[41] == pytest.approx(5.0)
    assert topic_balanced_weights([], np.array([], dtype=int)).shape == (0,)


def test_lexicon_topics() -> None:
    assert lexicon_topics("Soros funds the vaccine lobby") == {"soros", "vaccines"}
    assert lexicon_topic("Soros funds the vaccine lobby") == "soros+vaccines"
    assert lexicon_topic("The council met on Tuesday") == ""


def test_clusters_separate_subjects_and_are_the_same_every_run() -> None:
    vocabulary = ["goal", "match", "striker", "oven", "flour", "recipe"]
    rng = random.Random(0)
    rows = []
    for i in range(40):
        words = vocabulary[:3] if i % 2 else vocabulary[3:]
        rows.append([rng.randint(1, 4) if w in words else 0 for w in vocabulary])
    counts = sp.csr_matrix(np.array(rows))
    keys = [f"doc{i}" for i in range(40)]
    clusters = topic_clusters(counts, keys, 2)
    assert clusters == topic_clusters(counts, keys, 2)
    assert len({clusters[i] for i in range(1, 40, 2)}) == 1 and len({clusters[i] for i in range(0, 40, 2)}) == 1
    assert clusters[0] != clusters[1]
    assert len(set(topic_clusters(counts[:3], keys[:3], 10))) <= 3 and topic_clusters(counts[:0], [], 4) == []


def _example(i: int, label: int, words: list[str]) -> Example:
    article = LabelledArticle(id=f"d:{i}", dataset="d", title=None, text=" ".join(words), label=label, outlet=None)
    return Example(article=article, values={}, document=" ".join(words), shrink=1.0, decisive=False, stages=())


def test_topic_balance_takes_the_label_out_of_topic_words_and_keeps_style() -> None:
    """Articles about Soros are 80% fake, about the police 20%; "shocking" marks fakes within both.  Unbalanced,
    the model learns "soros" as a sign of misinformation; balanced within topics it learns "shocking" only."""
    rng = random.Random(2)
    examples = []
    for i in range(400):
        topic = "soros" if i % 2 else "police"
        label = int(rng.random() < (0.8 if topic == "soros" else 0.2))
        words = [topic, "report", "today"] + (["shocking"] if (rng.random() < 0.7) == bool(label) else ["calm"])
        examples.append(_example(i, label, words))
    plain = FitConfig(text=TextConfig(word_ngrams=1, char_ngrams=0), min_df=1)
    balanced = replace(plain, balance_topics="lexicon")
    assert set(topics_for(examples, balanced, FitCache())) == {"soros", "police"}
    before, after = fit_text(examples, plain), fit_text(examples, balanced)
    assert before.weights["soros"][1] - before.weights["police"][1] > 1.0
    assert abs(after.weights["soros"][1] - after.weights["police"][1]) < 0.25
    assert after.weights["shocking"][1] > 1.0
    clustered = replace(plain, balance_topics="clusters", topic_clusters=2)
    assert len(set(topics_for(examples, clustered, FitCache()))) == 2


def test_a_style_model_can_read_plain_words_too() -> None:
    style = TextConfig(word_ngrams=2, style_words=("the", "of"))
    both = replace(style, plain_words_too=True)
    assert terms("The state of Texas", style) == ["the", "_", "of", "_C", "the _", "_ of", "of _C"]
    assert terms("The state of Texas", both)[7:] == [
        "=the",
        "=state",
        "=of",
        "=texas",
        "=the =state",
        "=state =of",
        "=of =texas",
    ]
    assert TextConfig.from_dict(both.to_dict()) == both and "plain_words_too" not in style.to_dict()
    weights = {"=texas": (1.0, 2.0), "_": (1.0, 0.1), "of": (1.0, 0.5), "=of": (1.0, 0.5), "=of =texas": (1.0, 0.3)}
    _, top = TextModel(config=both, weights=weights, intercept=0.0).explain("The state of Texas", 5)
    assert [term for term, _ in top] == ["texas", "of", "of texas", "‹word›"]  # "of" and "=of" are one row
    assert dict(top)["of"] == pytest.approx(2 * dict(top)["of texas"] / 0.6)
