"""The claims stage's fast paths give exactly what the plain per-sentence code gives.

The first stage scores a whole article with array operations (:meth:`ClaimModel.first_stage`); cue
names read attribution and comparative words from per-word codes; claim kinds search lower-cased
text. Each is checked here against the straightforward version on generated text, equality exact.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from factsift.claims import classifier, cues, kinds
from factsift.claims.features import FeatureConfig, blocks, char_slots, cue_names
from factsift.ml.logistic import sigmoid

#: Pieces that reach the fast paths' corners: names after openers, numbers joined to words ("5said",
#: "1990s"), cue phrases, letters that match ASCII only case-blind, currency, quotes.
_PIECES = [
    "Mayor Ana Ruiz",
    "said",
    "5said",
    "1990s",
    "according to",
    "According  to",
    "times as",
    "as many as",
    "compared with",
    "state-sources",
    "officials'",
    "rose",
    "than",
    "U.S.",
    "I think",
    "we",
    "will",
    "this is a drastic",
    "per cent",
    "$12 million",
    "4.1%",
    "in 2019",
    "never",
    "İstanbul",
    "ıt",
    "ſaid",
    "\u212aelvin",
    "the",
    "bridge",
    ".",
    ",",
    '"',
    ":",
    "?",
    "!",
]
_TEXT = st.lists(st.sampled_from(_PIECES) | st.text(max_size=12), max_size=25).map(" ".join)


def reference_score(model: classifier.ClaimModel, text: str) -> float:
    """The first stage as it was scored sentence by sentence: each block's float32 weight sum over its L2 norm."""
    parts = blocks(text, model.config)
    if not parts.words and not parts.cues:
        return 0.0
    weights = model.weights
    margin: float = model.bias
    if parts.words:
        margin += float(weights[parts.words].sum()) / (math.hypot(*Counter(parts.words).values()) or 1.0)
    if parts.char_words:
        grams = [char_slots(word, model.config) for word in parts.char_words]
        counts = Counter(itertools.chain.from_iterable(grams))
        total = sum(float(weights[list(slots)].sum()) for slots in grams)
        margin += total / (math.hypot(*counts.values()) or 1.0)
    if parts.cues:
        margin += float(weights[parts.cues].sum())
    known = [model.word_scores[w] for w in parts.vector_words if w in model.word_scores]
    if known:
        margin += sum(known) / len(known)
    return sigmoid(margin)


def _coarse_model() -> classifier.ClaimModel:
    """A small model whose float16 weights mix large and tiny values, so some sentences' float32 sums round
    (the first stage must then sum those as numpy does) and slots collide within a sentence."""
    rng = np.random.default_rng(11)
    config = FeatureConfig(bits=9, names=True)
    weights = (rng.normal(0, 3, config.size) * rng.choice([1.0, 1e-4], config.size)).astype(np.float16)
    return classifier.ClaimModel(
        weights=weights.astype(np.float32),
        bias=-0.3,
        config=config,
        threshold=0.5,
        meta={},
        word_scores={"said": 0.5, "bridge": -0.25, "the": 0.125},
    )


_COARSE = _coarse_model()


@given(st.lists(_TEXT, max_size=8))
@settings(max_examples=150, deadline=None)
def test_first_stage_equals_scoring_each_sentence_exactly(texts: list[str]) -> None:
    for model in (classifier.shipped(), _COARSE):
        assert model.first_stage(texts) == [reference_score(model, text) for text in texts]


def test_the_coarse_model_reaches_the_rounded_sums() -> None:
    # the fallback of first_stage runs: some sentence's float32 sum differs from its exact sum
    text = " ".join(_PIECES * 3)
    parts = blocks(text, _COARSE.config)
    exact = sum(float(_COARSE.weights[slot]) for slot in parts.words)
    assert float(_COARSE.weights[parts.words].sum()) != exact
    assert _COARSE.first_stage([text]) == [reference_score(_COARSE, text)]


@given(_TEXT)
@settings(max_examples=300, deadline=None)
def test_cue_words_match_the_patterns(text: str) -> None:
    text = cues.normalise(text)
    folded = text.lower()
    names = cue_names(text, cues.sentence_tokens(text))
    assert ("attribution" in names) == bool(cues.ATTRIBUTION_LOWER.search(folded))
    comparison = cues.COMPARATIVE_WORDS_LOWER.search(folded) or cues.COMPARATIVE_THAN_LOWER.search(folded)
    assert ("comparison" in names) == bool(comparison)


@given(_TEXT)
@settings(max_examples=300, deadline=None)
def test_kind_patterns_in_lower_case_match_case_blind(text: str) -> None:
    patterns = [kinds._OPINION, kinds._PREDICTION, kinds._COMPARISON_THAN, kinds._COMPARISON_WORDS]
    patterns += [kinds._ATTRIBUTION, kinds._NUMERIC]
    folded = None if kinds._CASE_BLIND_ONLY.search(text) else text.lower()
    for pattern in patterns:
        assert pattern.search(text, folded) == (pattern.blind.search(text) is not None)


def test_binary_grain_is_the_least_power_of_two_making_a_value_whole() -> None:
    values = np.array([1.0, 0.5, 3.0, 0.75, 2.0, -6.0, 2.0**-24, np.float16(0.1)])
    grains = classifier.binary_grain(values)
    assert grains.tolist() == [0, 1, 0, 2, -1, -1, 24, 13]
    for value, grain in zip(values.tolist(), grains.tolist(), strict=True):
        assert math.ldexp(value, grain).is_integer() and not math.ldexp(value, grain - 1).is_integer()
    assert classifier.binary_grain(np.zeros(1))[0] < -1000  # a zero never decides a sum's grain
