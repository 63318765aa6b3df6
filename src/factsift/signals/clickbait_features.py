"""The features of a headline for the clickbait model: word 1–2-grams and character 2–5-grams.

Training (:mod:`factsift.signals.clickbait_train`) and prediction
(:mod:`factsift.signals.clickbait_model`) both call :func:`headline_features`, so the shipped
weights always see the features they were trained on.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[?!\"“”:]")
_DIGITS = re.compile(r"[0-9]+")
CHAR_NGRAMS = (2, 5)


def normalise(headline: str) -> str:
    """Unicode-normalised, lower-cased headline with runs of whitespace collapsed."""
    text = unicodedata.normalize("NFKC", headline).replace("’", "'")
    return " ".join(text.lower().split())


def word_tokens(headline: str) -> list[str]:
    """Lower-cased word tokens (numbers folded to ``0``) plus ``? ! " :`` as tokens."""
    return [_DIGITS.sub("0", t) for t in _TOKEN.findall(normalise(headline))]


def headline_features(headline: str) -> list[str]:
    """Every feature of ``headline`` with repetition: ``w:`` words, ``b:`` bigrams, ``c:`` char n-grams."""
    words = word_tokens(headline)
    features = [f"w:{w}" for w in words]
    padded = ["<s>", *words, "</s>"]
    features.extend(f"b:{a} {b}" for a, b in itertools.pairwise(padded))
    for word in _DIGITS.sub("0", normalise(headline)).split():
        features.extend(_char_features(word))
    return features


@functools.lru_cache(maxsize=50_000)
def _char_features(word: str) -> tuple[str, ...]:
    """The ``c:`` character n-grams of one word, space-marked at both ends (remembered: words repeat)."""
    low, high = CHAR_NGRAMS
    marked = f" {word} "
    return tuple(f"c:{marked[i : i + n]}" for n in range(low, high + 1) for i in range(len(marked) - n + 1))
