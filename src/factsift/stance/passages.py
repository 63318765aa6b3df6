"""Tokens, stems and cue positions of claims and texts, and the choice of the passage that speaks to a claim.

A text is analysed once (sentences with character spans, each sentence's stems and cue counts) and can
then be scored against many claims cheaply: a claim's content stems, weighted by inverse document
frequency, are looked up in each sentence's stem set, and the sentence covering most of that weight is
the passage. Stems are crude on purpose (a plural "s" dropped, then the first six letters), which is
enough to match "strikes"/"strike" and "coordinating"/"coordination" at a few microseconds a word.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from factsift.ingest.sentences import split_sentences
from factsift.stance.cues import ATTRIBUTION, HEDGE, NEGATION, REFUTE, STOPWORDS, SUPPORT

_WORD = re.compile(r"[a-z0-9]+(?:[.'’-][a-z0-9]+)*")
#: Cue families counted per sentence, in the order of :attr:`SentenceInfo.cues`.
CUE_FAMILIES = (NEGATION, REFUTE, HEDGE, ATTRIBUTION, SUPPORT)
#: Tokens before a claim word within which a negation counts as negating it.
NEGATION_WINDOW = 5


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; "U.S." becomes "us", "isn’t" becomes "isn't"."""
    return [word.replace(".", "").replace("’", "'") for word in _WORD.findall(text.lower())]


def stem(word: str) -> str:
    """A crude stem: a plural "s" dropped from short words, then the first six letters."""
    if word.endswith("'s"):
        word = word[:-2]
    if 3 < len(word) <= 7 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:6]


def is_content(word: str) -> bool:
    """Whether a token carries topic (not a stop word, negation or one letter)."""
    return len(word) > 1 and word not in STOPWORDS and word not in NEGATION


@dataclass(frozen=True)
class SentenceInfo:
    """One sentence of a text: its span, its content stems (in order) and its cue counts."""

    start: int
    end: int
    words: tuple[str, ...]
    stems: tuple[str, ...]
    stem_set: frozenset[str]
    cues: tuple[int, ...]
    numbers: frozenset[str]


@dataclass(frozen=True)
class TextInfo:
    """A text analysed once for scoring against any number of claims."""

    sentences: tuple[SentenceInfo, ...]
    stem_counts: Mapping[str, int]
    length: int


@dataclass(frozen=True)
class ClaimInfo:
    """A claim's content stems with their weights, and its own cues."""

    weights: Mapping[str, float]
    total: float
    bigrams: frozenset[tuple[str, str]]
    cues: tuple[int, ...]
    numbers: frozenset[str]
    question: bool


def count_cues(words: list[str] | tuple[str, ...]) -> tuple[int, ...]:
    """How many words of each cue family (:data:`CUE_FAMILIES`) occur."""
    return tuple(sum(1 for word in words if word in family) for family in CUE_FAMILIES)


def analyse_sentence(text: str, start: int, end: int) -> SentenceInfo:
    """Tokens, stems, cues and numbers of ``text[start:end]``."""
    words = tokens(text[start:end])
    stems = tuple(stem(word) for word in words if is_content(word))
    return SentenceInfo(
        start=start,
        end=end,
        words=tuple(words),
        stems=stems,
        stem_set=frozenset(stems),
        cues=count_cues(words),
        numbers=frozenset(word for word in words if word[0].isdigit()),
    )


def analyse_text(text: str) -> TextInfo:
    """Split ``text`` into sentences and analyse each (a text without sentences gets one empty span)."""
    sentences = tuple(analyse_sentence(text, s.start, s.end) for s in split_sentences(text))
    if not sentences:
        sentences = (analyse_sentence(text, 0, len(text)),)
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(sentence.stems)
    return TextInfo(sentences=sentences, stem_counts=counts, length=len(text))


def analyse_claim(claim: str, idf: Mapping[str, float], default_idf: float) -> ClaimInfo:
    """A claim's content stems weighted by inverse document frequency."""
    words = tokens(claim)
    stems = [stem(word) for word in words if is_content(word)]
    weights = {s: idf.get(s, default_idf) for s in stems}
    return ClaimInfo(
        weights=weights,
        total=sum(weights.values()),
        bigrams=frozenset(itertools.pairwise(stems)),
        cues=count_cues(words),
        numbers=frozenset(word for word in words if word[0].isdigit()),
        question=claim.rstrip().endswith("?"),
    )


def coverage(claim: ClaimInfo, sentence: SentenceInfo) -> float:
    """Share of the claim's stem weight found in the sentence (0 to 1)."""
    if claim.total <= 0:
        return 0.0
    found = sum(weight for s, weight in claim.weights.items() if s in sentence.stem_set)
    return found / claim.total


def negated_claim_words(claim: ClaimInfo, sentence: SentenceInfo) -> int:
    """Claim words in the sentence with a negation at most :data:`NEGATION_WINDOW` tokens before them."""
    negated = 0
    last_negation = -NEGATION_WINDOW - 1
    for position, word in enumerate(sentence.words):
        if word in NEGATION:
            last_negation = position
        elif position - last_negation <= NEGATION_WINDOW and is_content(word) and stem(word) in claim.weights:
            negated += 1
    return negated
