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
import heapq
import itertools
import math
import operator
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

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


#: How many distinct tokens a style model remembers the readings of before it starts afresh (about 230 bytes each).
_TOKEN_MEMO_SIZE = 50_000
#: The tone marks a style model reads besides words (the tokens of ``_STYLE_TOKEN`` that are no word).
_TONE_MARKS = frozenset('!?"“”:;()')
_FIRST = operator.itemgetter(0)  # a token's style reading
_SECOND = operator.itemgetter(1)  # a token's plain reading
_THIRD = operator.itemgetter(2)  # the term of its style reading
_FOURTH = operator.itemgetter(3)  # the term of its plain reading
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
#: Characters known to lower-case to one character of their own kind (letter, digit, other): see below.
_LOWER_SAFE: set[str] = set()


@functools.lru_cache(maxsize=4096)
def _sublinear_tf(count: int) -> float:
    """The tf of a term met ``count`` times, as scikit-learn's ``sublinear_tf``: ``1 + log(count)``."""
    return 1.0 + math.log(count)


def _largest(k: int, shares: dict[str, float]) -> list[tuple[str, float]]:
    """The ``k`` items of ``shares`` of largest absolute value, largest first, ties in their order
    (``sorted(..., key=abs, reverse=True)[:k]``, without sorting them all)."""
    items = list(shares.items())
    if len(items) > k:
        sizes = list(map(abs, shares.values()))
        least = heapq.nlargest(k, sizes)[-1]
        items = list(itertools.compress(items, map(least.__le__, sizes)))
    return sorted(items, key=lambda item: abs(item[1]), reverse=True)[:k]


def _char_kind(char: str) -> int:
    """0 for a letter of ``_WORD``, 1 for a digit of it, 2 for anything else."""
    return 0 if _LETTER.fullmatch(char) else 1 if _DIGIT.fullmatch(char) else 2


def _lowers_word_by_word(document: str) -> bool:
    """Whether the words of ``document.lower()`` are those of ``document``, each lower-cased: true when every
    character lower-cases to one character of its own kind and none is a capital sigma (whose lower case
    depends on its neighbours).  Then :func:`plain_words` can be read off the document's tokens."""
    if document.isascii():
        return True
    chars = set(document)
    if chars <= _LOWER_SAFE:
        return True
    for char in chars - _LOWER_SAFE:
        lower = char.lower()
        if char == "Σ" or len(lower) != 1 or _char_kind(lower) != _char_kind(char):
            return False
        _LOWER_SAFE.add(char)  # a set of Unicode characters: bounded
    return True


class _Term:
    """One vocabulary term and its weights, as scoring meets it: counted by identity (no string hashed), its
    numbers held next to it, and its shown name (:func:`shown_term`) filled in when first shown."""

    __slots__ = ("coef", "idf", "shown", "term")

    def __init__(self, term: str, idf: float, coef: float) -> None:
        self.term = term
        self.idf = idf * 1.0  # a float of its own, allocated next to this term's (``* 1.0`` keeps -0.0)
        self.coef = coef * 1.0
        self.shown: str | None = None

    def shown_name(self) -> str:
        """:func:`shown_term` of the term, remembered."""
        if self.shown is None:
            self.shown = shown_term(self.term)
        return self.shown


#: A token's readings: (style token, plain word or "" for a tone mark, the term of each or None).
_Reading = tuple[str, str, "_Term | None", "_Term | None"]
_IDF = operator.attrgetter("idf")
_COEF = operator.attrgetter("coef")
_SHOWN = operator.attrgetter("shown")


@dataclass(frozen=True)
class _TermLookup:
    """A style model's terms by the words they are made of, for one kind of word (its style tokens, or its
    plain words): scoring then finds a document's terms without building the strings of those that cannot
    carry a weight."""

    unigrams: dict[str, _Term]  # word -> its term
    pairs: dict[tuple[str, str], _Term]  # (word, next word) -> their term

    @staticmethod
    def of_style_model(records: dict[str, _Term], *, pairs: bool) -> tuple[_TermLookup, _TermLookup]:
        """The terms of ``records`` that :func:`terms` makes of style tokens, and of plain words (``=``...),
        as (style, plain); ``pairs``: whether it makes word pairs.  A term it never makes (such as ``a =b``)
        may be kept under a pair of words no document has: it is never found."""
        style, plain = _TermLookup({}, {}), _TermLookup({}, {})
        for term, record in records.items():
            head, space, tail = term.partition(" ")
            kind = plain if head.startswith(PLAIN_PREFIX) else style
            cut = len(PLAIN_PREFIX) if kind is plain else 0
            if not space:
                kind.unigrams[head[cut:]] = record
            elif pairs and " " not in tail and tail.startswith(PLAIN_PREFIX) == (kind is plain):
                kind.pairs[(head[cut:], tail[cut:])] = record
        return style, plain

    def extend(self, found: list[_Term], words: list[str]) -> None:
        """Append to ``found`` the vocabulary's terms among ``words`` and then among their pairs, in order."""
        found.extend(filter(None, map(self.unigrams.get, words)))
        self.extend_pairs(found, words)

    def extend_pairs(self, found: list[_Term], words: list[str]) -> None:
        """Append to ``found`` the vocabulary's terms among the pairs of ``words``, in order."""
        if self.pairs:
            found.extend(filter(None, map(self.pairs.get, itertools.pairwise(words))))


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
        return self._length_factor(document_words(document) if self.shrink_words > 0 else 0)

    def _length_factor(self, words: int) -> float:
        """:meth:`length_factor` of a document of ``words`` words."""
        if self.shrink_words <= 0:
            return 1.0
        return words / (words + self.shrink_words)

    def logit(self, document: str) -> float:
        """Log-odds that ``document`` (see :func:`model_input`) is misinformation, by its wording alone."""
        return self.explain(document, 0)[0]

    @functools.cached_property
    def _pair_heads(self) -> frozenset[str]:
        """The first words of the word pairs the model weighs."""
        return frozenset(term.split(" ", 1)[0] for term in self.weights if " " in term and not term.startswith("#"))

    @functools.cached_property
    def _lookups(self) -> tuple[_TermLookup, ...]:
        """Where :meth:`_matched_terms` finds a style model's terms: among its style tokens and, if it reads
        plain words too, among those."""
        style, plain = _TermLookup.of_style_model(self._records, pairs=self.config.word_ngrams >= 2)
        return (style, plain) if self.config.plain_words_too else (style,)

    @functools.cached_property
    def _records(self) -> dict[str, _Term]:
        """Each vocabulary term's :class:`_Term`."""
        return {term: _Term(term, idf, coef) for term, (idf, coef) in self.weights.items()}

    def _matched_terms(self, document: str) -> tuple[list[_Term], int]:
        """The terms of ``document`` that are in the vocabulary, in the order :func:`terms` yields them
        (only those: the rest weigh nothing), and the document's word count (:func:`document_words`)."""
        config = self.config
        if config.char_ngrams or not config.style_words:
            in_vocabulary = list(filter(None, map(self._records.get, terms(document, config, self._pair_heads))))
            return in_vocabulary, document_words(document) if self.shrink_words > 0 else 0
        tokens = _STYLE_TOKEN.findall(document)
        known = self._token_memo.get
        readings = [known(token) or self._read_token(token) for token in tokens]
        # the words of _STYLE_TOKEN are those of _WORD, met in the same order: its tone marks are the rest
        plain = list(filter(None, map(_SECOND, readings)))
        found = list(filter(None, map(_THIRD, readings)))  # the style tokens' own terms
        lookups = self._lookups
        lookups[0].extend_pairs(found, list(map(_FIRST, readings)))
        if len(lookups) > 1:
            if _lowers_word_by_word(document):
                found.extend(filter(None, map(_FOURTH, readings)))
                lookups[1].extend_pairs(found, plain)
            else:
                lookups[1].extend(found, plain_words(document))
        return found, len(plain)

    @functools.cached_property
    def _token_memo(self) -> dict[str, _Reading]:
        """Each token met (of ``_STYLE_TOKEN``) and its readings: see :meth:`_read_token`."""
        return {}

    def _read_token(self, token: str) -> _Reading:
        """``token`` as the style model reads it (:meth:`TextConfig.words`) and as a plain word lower-cased
        alone (as :func:`plain_words`; empty for a tone mark), with the vocabulary's terms of each (None if
        none), remembered: the memo is emptied when large."""
        memo = self._token_memo
        if len(memo) >= _TOKEN_MEMO_SIZE:
            memo.clear()
        lower = token.lower()
        plain = "" if token in _TONE_MARKS else "0" if lower[0].isdigit() else lower
        style = self.config.words(token)[0]
        lookups = self._lookups
        plain_term = lookups[1].unigrams.get(plain) if plain and len(lookups) > 1 else None
        reading = memo[token] = (style, plain, lookups[0].unigrams.get(style), plain_term)
        return reading

    def explain(self, document: str, k: int = 5) -> tuple[float, list[tuple[str, float]]]:
        """The log-odds and the ``k`` terms that pushed it most (either way), with their share of it."""
        matched, word_count = self._matched_terms(document)
        counts = Counter(matched)
        found = list(counts)
        # tf-idf of each term, as sublinear tf times idf, term by term in the order met (sums in that order)
        values = list(map(operator.mul, map(_sublinear_tf, counts.values()), map(_IDF, found)))
        norm2 = sum(map(operator.mul, values, values))
        shares = list(map(operator.mul, values, map(_COEF, found)))
        factor = self._length_factor(word_count)
        if factor == 0.0:  # no word at all: nothing to judge the wording by
            return self.centre, []
        if norm2 == 0:
            return self.centre + (self.intercept - self.centre) * factor, []
        norm = math.sqrt(norm2) / factor
        z = self.centre + (self.intercept - self.centre) * factor + sum(shares) / norm
        if k <= 0:
            return z, []
        return z, [(name, (0.0 + share) / norm) for name, share in _largest(k, self._shown_rows(found, shares))]

    @staticmethod
    def _shown_rows(found: list[_Term], shares: list[float]) -> dict[str, float]:
        """Each shown name (:func:`shown_term`) of the terms ``found`` and its share: a style term and the
        plain term it reads as (``said``, ``=said``) are one row, their shares summed in order."""
        known = list(map(_SHOWN, found))
        shown_names = [term.shown_name() for term in found] if None in known else cast(list[str], known)
        # each name's last share, in the order the names are first met; a name met once is shown with its
        # share (adding 0.0, as a sum from 0.0 would, when shown)
        shown = dict(zip(shown_names, shares, strict=True))
        if len(shown) < len(shown_names):  # names met twice or more: their shares summed in order
            times = Counter(shown_names)
            if max(times.values()) == 2:
                first = dict(zip(reversed(shown_names), reversed(shares), strict=True))
                for name in itertools.compress(times, map((2).__eq__, times.values())):
                    shown[name] = (0.0 + first[name]) + shown[name]
            else:
                shown = {}
                for name, share in zip(shown_names, shares, strict=True):
                    shown[name] = shown.get(name, 0.0) + share
        return shown

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
