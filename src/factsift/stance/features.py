"""The feature vector of one (claim, text) pair: relatedness, cues in the passage and in the text, polarity.

Relatedness is how much of the claim's weighted content the best sentence, the lead and the whole text
hold; stance is read from cue counts (negation, refutation, hedging, attribution, support) in the passage
(the best sentence), in the sentences related to the claim, and over the whole text, plus whether a
negation sits just before the claim's own words and whether the claim itself is negated. Numbers are
compared too. Everything is counting over precomputed sets: no model is needed to build a row.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from factsift.stance.passages import CUE_FAMILIES, ClaimInfo, TextInfo, coverage, negated_claim_words

_FAMILY_NAMES = ("negation", "refute", "hedge", "attribution", "support")
#: A sentence covering at least this share of the claim's weight counts as related to it.
RELATED_COVERAGE = 0.3
#: Sentences at the start of a text read as its lead.
LEAD_SENTENCES = 3

FEATURE_NAMES: tuple[str, ...] = (
    "coverage_best",
    "coverage_second",
    "coverage_text",
    "coverage_lead",
    "cosine_text",
    "bigram_share",
    "related_share",
    "related_count_log",
    "best_position",
    "sentences_log",
    "claim_words_log",
    "best_words_log",
    *(f"best_{name}" for name in _FAMILY_NAMES),
    *(f"related_{name}_rate" for name in _FAMILY_NAMES),
    *(f"text_{name}_rate" for name in _FAMILY_NAMES),
    *(f"claim_{name}" for name in _FAMILY_NAMES),
    "claim_question",
    "best_negated_claim_words",
    "best_negates_claim",
    "polarity_mismatch",
    "related_negates_claim_rate",
    "claim_numbers",
    "claim_numbers_found",
    "best_numbers_differ",
)
WIDTH = len(FEATURE_NAMES)


@dataclass(frozen=True)
class PairFeatures:
    """A pair's feature row and the sentence chosen as its passage (an index into the text's sentences)."""

    row: npt.NDArray[np.float64]
    passage: int


def _rates(counts: list[tuple[int, ...]]) -> list[float]:
    """Per family, the share of the given sentences holding at least one cue of it."""
    if not counts:
        return [0.0] * len(CUE_FAMILIES)
    return [sum(1 for c in counts if c[i] > 0) / len(counts) for i in range(len(CUE_FAMILIES))]


def pair_features(claim: ClaimInfo, text: TextInfo, idf_of: dict[str, float], default_idf: float) -> PairFeatures:
    """Features of one (claim, text) pair and its passage."""
    sentences = text.sentences
    covers = [coverage(claim, s) for s in sentences]
    order = sorted(range(len(covers)), key=lambda i: (-covers[i], i))
    best = order[0]
    best_sentence = sentences[best]
    second = covers[order[1]] if len(order) > 1 else 0.0
    related = [i for i in order if covers[i] >= RELATED_COVERAGE]

    found_text = sum(w for s, w in claim.weights.items() if s in text.stem_counts)
    lead_stems: set[str] = set()
    for sentence in sentences[:LEAD_SENTENCES]:
        lead_stems |= sentence.stem_set
    found_lead = sum(w for s, w in claim.weights.items() if s in lead_stems)
    total = claim.total or 1.0

    dot = 0.0
    text_norm = 0.0
    for s, count in text.stem_counts.items():
        weight = count * idf_of.get(s, default_idf)
        text_norm += weight * weight
        if s in claim.weights:
            dot += weight * claim.weights[s]
    claim_norm = math.sqrt(sum(w * w for w in claim.weights.values()))
    cosine = dot / (math.sqrt(text_norm) * claim_norm) if text_norm > 0 and claim_norm > 0 else 0.0

    text_bigrams: set[tuple[str, str]] = set()
    if claim.bigrams:
        for sentence in sentences:
            text_bigrams.update(itertools.pairwise(sentence.stems))
    bigram_share = len(claim.bigrams & text_bigrams) / len(claim.bigrams) if claim.bigrams else 0.0

    negated_best = negated_claim_words(claim, best_sentence)
    best_negates = 1.0 if negated_best > 0 else 0.0
    claim_negated = 1.0 if claim.cues[0] > 0 else 0.0
    related_negating = sum(1 for i in related if negated_claim_words(claim, sentences[i]) > 0)
    numbers_found = (
        sum(1 for n in claim.numbers if any(n in s.numbers for s in sentences)) / len(claim.numbers)
        if claim.numbers
        else 0.0
    )
    numbers_differ = (
        1.0 if claim.numbers and best_sentence.numbers and not (claim.numbers & best_sentence.numbers) else 0.0
    )

    row = [
        covers[best],
        second,
        found_text / total,
        found_lead / total,
        cosine,
        bigram_share,
        len(related) / len(sentences),
        math.log1p(len(related)),
        best / len(sentences),
        math.log1p(len(sentences)),
        math.log1p(len(claim.weights)),
        math.log1p(len(best_sentence.words)),
        *(min(c, 3) for c in best_sentence.cues),
        *_rates([sentences[i].cues for i in related]),
        *_rates([s.cues for s in sentences]),
        *(min(c, 3) for c in claim.cues),
        1.0 if claim.question else 0.0,
        min(negated_best, 3),
        best_negates,
        1.0 if best_negates != claim_negated else 0.0,
        related_negating / len(related) if related else 0.0,
        min(len(claim.numbers), 3),
        numbers_found,
        numbers_differ,
    ]
    return PairFeatures(row=np.asarray(row, dtype=np.float64), passage=best)
