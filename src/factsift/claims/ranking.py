"""Rank an article's claims as a fact-checker would: what the story asserts first, not only what sounds checkable.

The check-worthiness model was trained on debate sentences and scores most news sentences high,
so its score alone says little about which claim of an article matters.  A desk checks first the
claim the story is built on: the one the headline and lede assert and the rest of the article
leans on, stated specifically enough to be checked.  ``priority`` combines, each in [0, 1]:

* ``checkworthiness``: the model's probability (weight :data:`WEIGHTS` ``"checkworthiness"``);
* ``story``: word overlap with the headline and lede (the first :data:`LEDE` sentences);
* ``support``: how much of the rest of the article shares the sentence's words (its mean overlap
  with every other sentence, relative to the article's most supported sentence);
* ``specificity``: names, numbers and dates the sentence carries (three or more count fully).

An opinion or a prediction keeps :data:`NOT_FACTUAL` of its priority.  The weights were set by
reasoning before the news ranking set was scored, and are reported with it (``bench/claims_news.py``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from factsift.claims import cues

#: Weights of the four parts of ``priority``; they sum to one.
WEIGHTS = {"checkworthiness": 0.35, "story": 0.3, "support": 0.2, "specificity": 0.15}
#: Sentences of the lede, read with the headline as what the story asserts.
LEDE = 2
#: Share of its priority an opinion or a prediction keeps.
NOT_FACTUAL = 0.5
#: Names, numbers and dates for full specificity.
SPECIFIC_ENOUGH = 3

_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|\d[\d,.]*")
_STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours said says say told
    according new one first last year years time week day today us
    """.split()
)
#: Spellings of one country (upper case only: "us" the pronoun is not "US").
_ALIASES = {"US": "united_states", "U.S": "united_states", "USA": "united_states", "America": "united_states"}


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem that lets "allies" meet "ally" and "Russian" meet "Russia": lower case, suffix off, five letters."""
    word = word.strip(".'’-").replace("’", "'").removesuffix("'s")
    if word in _ALIASES:
        return _ALIASES[word]
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    return word[:5] if word.isalpha() else word


_UNITED_STATES = re.compile(r"\bUnited\s+States\b")


@functools.lru_cache(maxsize=200_000)
def _content_stem(word: str) -> str | None:
    """A content word's stem, None for a stopword or a single character (remembered: prose repeats its words)."""
    return stem(word) if word in _ALIASES or (word.lower() not in _STOPWORDS and len(word) > 1) else None


def content_stems(text: str) -> frozenset[str]:
    """The stems of a text's content words ("United States" counted as one word)."""
    if "United" in text:
        text = _UNITED_STATES.sub("US", text)
    return frozenset(filter(None, map(_content_stem, _WORD.findall(text))))  # a stem is never empty


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine similarity of two word sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def specificity(text: str, entities: int) -> float:
    """Names, numbers and dates in a sentence, as a share of :data:`SPECIFIC_ENOUGH`."""
    numbers = len(cues.NUMBER.findall(text)) > 0
    dates = cues.YEAR.search(text) is not None
    return min(1.0, (entities + numbers + dates) / SPECIFIC_ENOUGH)


@dataclass(frozen=True)
class Parts:
    """The parts of one claim's priority, kept for the benchmark and the tests."""

    checkworthiness: float
    story: float
    support: float
    specificity: float

    def priority(self, factual: bool) -> float:
        """The weighted sum, cut to :data:`NOT_FACTUAL` for an opinion or a prediction."""
        total = sum(weight * float(getattr(self, name)) for name, weight in WEIGHTS.items())
        return total if factual else total * NOT_FACTUAL


def parts_for(
    chosen: Sequence[int],
    scores: Sequence[float],
    sentences: Sequence[str],
    title: str | None,
    entity_counts: Sequence[int],
) -> list[Parts]:
    """The priority parts of the sentences ``chosen`` (indices into ``sentences``, with their model ``scores``).

    A lede sentence is compared with the headline and the *other* lede sentences, so being in the
    lede earns nothing by itself; index -1 stands for the headline, compared with the lede.
    """
    every = [content_stems(s) for s in sentences]
    headline = content_stems(title or "")
    lede = list(range(min(LEDE, len(sentences))))

    # what a sentence outside the lede is compared with is the same for all of them: built once
    whole_story = frozenset().union(*(every[j] for j in lede), headline)

    def story_of(index: int) -> frozenset[str]:
        if index >= 0 and index not in lede:
            return whole_story
        words = [every[j] for j in lede if j != index]
        return frozenset().union(*words, *([] if index < 0 else [headline]))

    # each word's summed weight over the sentences holding it: a sentence's mean overlap with all the
    # others is then one pass over its own words (linear in the article, not quadratic)
    weight: dict[str, float] = {}
    for words in every:
        share = 1 / math.sqrt(len(words)) if words else 0.0
        for word in words:
            weight[word] = weight.get(word, 0.0) + share

    def support_of(index: int) -> float:
        words = headline if index < 0 else every[index]
        others = len(every) - (index >= 0)
        if not words or not others:
            return 0.0
        shared = sum(weight.get(word, 0.0) for word in words) - (math.sqrt(len(words)) if index >= 0 else 0.0)
        return shared / math.sqrt(len(words)) / others

    support = [support_of(i) for i in chosen]
    top = max(support, default=0.0) or 1.0
    texts = [(title or "") if i < 0 else sentences[i] for i in chosen]
    return [
        Parts(
            checkworthiness=score,
            story=min(1.0, 2 * overlap(headline if i < 0 else every[i], story_of(i))),
            support=value / top,
            specificity=specificity(text, count),
        )
        for i, text, score, value, count in zip(chosen, texts, scores, support, entity_counts, strict=True)
    ]
