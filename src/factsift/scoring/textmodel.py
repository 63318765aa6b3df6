"""The regularised text model: a linear model over tf-idf word and character n-grams.

Training (:mod:`factsift.scoring.train`) fits it with scikit-learn, using :func:`terms` below as
the analyzer, and exports the vocabulary, idf and weights to plain JSON; scoring here is pure
Python over that JSON (no pickle, no scikit-learn at run time) and reproduces scikit-learn's
``TfidfVectorizer(sublinear_tf=True, norm="l2")`` followed by a linear decision function.

The l2 norm makes three words as loud as three thousand, so a model may carry a length shrinkage:
its log-odds are pulled toward ``centre`` (the typical log-odds of its training articles) by
``n / (n + shrink_words)`` for a document of ``n`` words, ``shrink_words`` fitted in training.  A one-line
input then says next to nothing by its wording, which is all a one-liner's style can say.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

#: Only the headline and the first this-many characters of the body are read (speed, and the lead carries the style).
MAX_CHARS = 3000

_WORD = re.compile(r"[^\W\d_]+|\d+")
#: A style model also reads punctuation that marks tone and sourcing: quotes, exclamation and question marks.
_STYLE_TOKEN = re.compile(r"[^\W\d_]+|\d+|[!?\"“”:;()]")
_QUOTES = {"“": '"', "”": '"'}


#: What a word outside a style model's function words becomes: the model sees where content words
#: sit (``the _ of``) and their shape (``_C`` capitalised, ``_U`` all capitals), never which they are,
#: so subject matter cannot move it.
CONTENT_WORD = "_"


@dataclass(frozen=True)
class TextConfig:
    """Which n-grams the text model uses; with ``style_words``, only those words are read as themselves."""

    word_ngrams: int = 2  # 1 = words, 2 = words and word pairs
    char_ngrams: int = 0  # 0 = none, else within-word character n-grams of this length
    style_words: tuple[str, ...] = ()  # empty = every word; else a style model over these function words
    plain_words_too: bool = False  # a style model that also reads every word as itself (terms prefixed ``=``)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"word_ngrams": self.word_ngrams, "char_ngrams": self.char_ngrams}
        if self.style_words:
            data["style_words"] = list(self.style_words)
        if self.plain_words_too:
            data["plain_words_too"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextConfig:
        """Read :meth:`to_dict` output."""
        return cls(
            word_ngrams=int(data.get("word_ngrams", 2)),
            char_ngrams=int(data.get("char_ngrams", 0)),
            style_words=tuple(str(w) for w in data.get("style_words", ())),
            plain_words_too=bool(data.get("plain_words_too", False)),
        )

    @functools.cached_property
    def _style_set(self) -> frozenset[str]:
        return frozenset(self.style_words)

    def words(self, document: str) -> list[str]:
        """The tokens the model reads: lower-cased words with digits as ``0``; in a style model, content
        words as their shape (``CONTENT_WORD``, ``_C``, ``_U``) and tone punctuation as itself."""
        if not self.style_words:
            return plain_words(document)
        out = []
        for token in _STYLE_TOKEN.findall(document):
            lower = token.lower()
            if token[0].isdigit():
                out.append("0")
            elif lower in self._style_set:
                out.append(lower)
            elif not token[0].isalpha():
                out.append(_QUOTES.get(token, token))
            elif token.isupper() and len(token) > 1:
                out.append(CONTENT_WORD + "U")
            else:
                out.append(CONTENT_WORD + "C" if token[0].isupper() else CONTENT_WORD)
        return out


def plain_words(document: str) -> list[str]:
    """Every word of ``document`` as itself: lower-cased, digits as ``0``."""
    return [("0" if w[0].isdigit() else w) for w in _WORD.findall(document.lower())]


#: What marks a plain word's terms in a style model that reads plain words too (``=vaccine``, ``=the vaccine``).
PLAIN_PREFIX = "="


def document_words(document: str) -> int:
    """How many words ``document`` has (letters or digits; what the length shrinkage counts)."""
    return len(_WORD.findall(document))


def model_input(title: str | None, text: str) -> str:
    """The text the model reads: headline, blank line, the start of the body."""
    return f"{title or ''}\n\n{text[:MAX_CHARS]}"


#: How a reader sees the tokens that stand for a kind of word rather than a word (``_C`` is no word of the text).
SHOWN_TOKENS = {
    CONTENT_WORD: "‹word›",
    CONTENT_WORD + "C": "‹Capitalised›",
    CONTENT_WORD + "U": "‹CAPITALS›",
    "0": "‹number›",
}


def shown_term(term: str) -> str:
    """A term as a reader sees it: a character n-gram without its ``#``, plain words without ``PLAIN_PREFIX``,
    and the tokens of :data:`SHOWN_TOKENS` by what they stand for (``the _ of`` reads “the ‹word› of”)."""
    if term.startswith("#"):
        return term[1:]
    words = (word.removeprefix(PLAIN_PREFIX) for word in term.split(" "))
    return " ".join(SHOWN_TOKENS.get(word, word) for word in words)


def _word_terms(words: list[str], ngrams: int, pair_heads: frozenset[str] | None) -> list[str]:
    """``words`` and, with ``ngrams`` >= 2, their pairs (only those whose first word is in ``pair_heads``, if given)."""
    found = list(words)
    if ngrams >= 2:
        found.extend(f"{a} {b}" for a, b in itertools.pairwise(words) if pair_heads is None or a in pair_heads)
    return found


def terms(document: str, config: TextConfig, pair_heads: frozenset[str] | None = None) -> list[str]:
    """The n-gram terms of ``document`` (lower-cased; digits collapsed to ``0``; see :meth:`TextConfig.words`).

    ``pair_heads``, when given, keeps only the word pairs whose first word is one of them: a scorer
    passes the first words of its vocabulary's pairs, since no other pair can carry a weight.
    """
    words = config.words(document)
    found = _word_terms(words, config.word_ngrams, pair_heads)
    if config.style_words and config.plain_words_too:
        found.extend(_word_terms([PLAIN_PREFIX + w for w in plain_words(document)], config.word_ngrams, pair_heads))
    n = config.char_ngrams
    if n:
        for word in words:
            padded = f" {word} "
            if len(padded) <= n:
                found.append("#" + padded)
            else:
                found.extend("#" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return found


@dataclass(frozen=True)
class TextModel:
    """Tf-idf weights and a linear decision function; ``logit`` is the model's log-odds, shrunk toward
    ``centre`` for short documents when ``shrink_words`` > 0 (see the module docstring)."""

    config: TextConfig
    weights: dict[str, tuple[float, float]]  # term -> (idf, coefficient)
    intercept: float
    shrink_words: float = 0.0  # k of n / (n + k); 0 = no shrinkage
    centre: float = 0.0  # the log-odds a document too short to judge gets

    def length_factor(self, document: str) -> float:
        """``n / (n + shrink_words)`` for a document of ``n`` words (1.0 without shrinkage)."""
        if self.shrink_words <= 0:
            return 1.0
        words = document_words(document)
        return words / (words + self.shrink_words)

    def logit(self, document: str) -> float:
        """Log-odds that ``document`` (see :func:`model_input`) is misinformation, by its wording alone."""
        return self.explain(document, 0)[0]

    @functools.cached_property
    def _pair_heads(self) -> frozenset[str]:
        """The first words of the word pairs the model weighs."""
        return frozenset(term.split(" ", 1)[0] for term in self.weights if " " in term and not term.startswith("#"))

    @functools.cached_property
    def _shown_names(self) -> dict[str, str]:
        """:func:`shown_term` of the model's terms, filled as they are met (at most the vocabulary)."""
        return {}

    def explain(self, document: str, k: int = 5) -> tuple[float, list[tuple[str, float]]]:
        """The log-odds and the ``k`` terms that pushed it most (either way), with their share of it."""
        weights = self.weights
        parts: list[tuple[str, float]] = []
        norm2 = 0.0
        for term, count in Counter(terms(document, self.config, self._pair_heads)).items():
            entry = weights.get(term)
            if entry is not None:
                value = (1.0 + math.log(count)) * entry[0]
                norm2 += value * value
                parts.append((term, value * entry[1]))
        factor = self.length_factor(document)
        if factor == 0.0:  # no word at all: nothing to judge the wording by
            return self.centre, []
        if norm2 == 0:
            return self.centre + (self.intercept - self.centre) * factor, []
        norm = math.sqrt(norm2) / factor
        z = self.centre + (self.intercept - self.centre) * factor + sum(share for _, share in parts) / norm
        if k <= 0:
            return z, []
        shown: dict[str, float] = {}  # a style term and the plain term it reads as (``said``, ``=said``) are one row
        names = self._shown_names
        for term, share in parts:
            name = names.get(term) or names.setdefault(term, shown_term(term))
            shown[name] = shown.get(name, 0.0) + share
        top = sorted(shown.items(), key=lambda part: abs(part[1]), reverse=True)[:k]
        return z, [(term, share / norm) for term, share in top]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (terms, idf and coefficients as parallel lists)."""
        items = sorted(self.weights.items())
        data: dict[str, Any] = {
            "config": self.config.to_dict(),
            "intercept": self.intercept,
            "terms": [term for term, _ in items],
            "idf": [round(idf, 5) for _, (idf, _) in items],
            "coef": [round(coef, 5) for _, (_, coef) in items],
        }
        if self.shrink_words > 0:
            data["shrink_words"] = self.shrink_words
            data["centre"] = round(self.centre, 6)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextModel:
        """Rebuild from :meth:`to_dict` output, checking the lists line up."""
        terms_, idf, coef = data["terms"], data["idf"], data["coef"]
        if not (len(terms_) == len(idf) == len(coef)):
            raise ValueError("text model: terms, idf and coef differ in length")
        config = TextConfig.from_dict(data["config"])
        weights = {str(t): (float(i), float(c)) for t, i, c in zip(terms_, idf, coef, strict=True)}
        shrink_words = float(data.get("shrink_words", 0.0))
        if not math.isfinite(shrink_words) or shrink_words < 0:
            raise ValueError("text model: shrink_words must be a non-negative number")
        return cls(
            config=config,
            weights=weights,
            intercept=float(data["intercept"]),
            shrink_words=shrink_words,
            centre=float(data.get("centre", 0.0)),
        )
