"""Sentence → sparse feature vector for the check-worthiness model.

Three blocks, each hashed into one fixed-size space so no vocabulary has to ship:
word uni- and bigrams (numbers folded to their shape: ``<num>``, ``<pct>``, ``<money>``, ``<year>``),
character n-grams within words (robust to inflection and names never seen in training), and
the named surface cues of :mod:`factsift.claims.cues` (quantities, entities, past-tense verbs,
attributions, comparatives, first/second person, modals, questions, length).
The same code featurises training data and live articles, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import itertools
import re
import zlib
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from factsift.claims import cues

_DIGIT = re.compile(r"\d")
_CAPITALISED = re.compile(r"^[A-Z][a-zA-Z'.-]*$")
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z]{2,6}s?$")


@dataclass(frozen=True)
class FeatureConfig:
    """How sentences are hashed; stored beside the weights so a model always reads its own features."""

    bits: int = 18
    char_min: int = 3
    char_max: int = 5
    word_bigrams: bool = True
    chars: bool = True
    cues: bool = True
    #: Fold mid-sentence proper names ("Trump", "Raqqa") to ``<name>``: who is named is topic, not
    #: check-worthiness, and the debates' names would otherwise bias news articles.
    names: bool = False

    @property
    def size(self) -> int:
        """Number of feature slots (the hashed space plus the bias-free cue slots)."""
        return 1 << self.bits

    def to_dict(self) -> dict[str, int | bool]:
        """JSON form, saved in the model file."""
        return asdict(self)


@functools.lru_cache(maxsize=200_000)
def _shape(token: str) -> str:
    if not _DIGIT.search(token):
        return token.lower()
    if token.endswith("%"):
        return "<pct>"
    if token[0] in "$€£":
        return "<money>"
    if cues.YEAR.fullmatch(token):
        return "<year>"
    return "<num>"


def _bucket(value: int, edges: tuple[int, ...]) -> int:
    return sum(value >= edge for edge in edges)


def cue_names(text: str, words: list[str]) -> list[str]:
    """The named surface cues a sentence shows (used as features and for explanations)."""
    lower = [w.lower() for w in words]
    alpha = [w for w in words if w[0].isalpha()]
    names: list[str] = []
    if cues.has_quantity(text, words):
        names.append("quantity")
    if cues.NUMBER.search(text):
        names.append("digits")
    if cues.PERCENT.search(text):
        names.append("percent")
    if cues.MONEY.search(text):
        names.append("money")
    if cues.YEAR.search(text):
        names.append("year")
    capitalised = sum(1 for w in alpha[1:] if _capitalised(w))
    names.append(f"caps{_bucket(capitalised, (1, 2, 4, 7))}")
    if any(_acronym(w) for w in alpha):
        names.append("acronym")
    past = sum(1 for w in alpha if _past(w))
    names.append(f"past{_bucket(past, (1, 2, 4))}")
    if cues.has_attribution(text):
        names.append("attribution")
    if cues.has_comparison(text):
        names.append("comparison")
    first = sum(1 for w in lower if w in cues.FIRST_PERSON)
    names.append(f"first{_bucket(first, (1, 3))}")
    if any(w in cues.SECOND_PERSON for w in lower):
        names.append("second")
    if any(w in cues.MODALS for w in lower):
        names.append("modal")
    if any(w in cues.OPINION for w in lower):
        names.append("opinion")
    if any(w in cues.HEDGES for w in lower):
        names.append("hedge")
    if "?" in text:
        names.append("question")
    if "!" in text:
        names.append("exclaim")
    names.append(f"len{_bucket(len(alpha), (4, 8, 13, 20, 30, 45))}")
    return names


_WORD_CACHE = 200_000


@functools.lru_cache(maxsize=_WORD_CACHE)
def _capitalised(word: str) -> bool:
    return bool(_CAPITALISED.match(word))


@functools.lru_cache(maxsize=_WORD_CACHE)
def _acronym(word: str) -> bool:
    return bool(_ACRONYM.match(word))


@functools.lru_cache(maxsize=_WORD_CACHE)
def _past(word: str) -> bool:
    return cues.is_past_tense(word)


def _slot(key: str, mask: int) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) & mask


@functools.lru_cache(maxsize=_WORD_CACHE)
def _cached_slot(key: str, mask: int) -> int:
    """:func:`_slot` for keys that recur across sentences (words, bigrams, cue names)."""
    return _slot(key, mask)


@functools.lru_cache(maxsize=_WORD_CACHE)
def _char_slots(word: str, mask: int, char_min: int, char_max: int) -> tuple[int, ...]:
    """Hashed slots of a word's character n-grams; cached, since news prose repeats its words."""
    padded_word = f" {word} "
    size = len(padded_word)
    return tuple(
        _slot("c:" + padded_word[i : i + n], mask) for n in range(char_min, char_max + 1) for i in range(size - n + 1)
    )


_NAME = re.compile(r"^[A-Z][a-z][\w'-]*$")


def _is_name(words: list[str], position: int) -> bool:
    """A Titlecase word that does not open the sentence (after a full stop or quote it may)."""
    return position > 0 and _titlecase(words[position]) and words[position - 1] not in {".", '"', ":"}


@functools.lru_cache(maxsize=200_000)
def _titlecase(word: str) -> bool:
    return bool(_NAME.match(word))


def embedding_tokens(text: str, names: bool = False) -> list[str]:
    """The lower-cased words of a sentence that the word-vector block averages over (names left out if ``names``)."""
    words = cues.tokens(cues.normalise(text))
    return [w.lower() for i, w in enumerate(words) if w[0].isalnum() and not (names and _is_name(words, i))]


@dataclass(frozen=True)
class FeatureRows:
    """The hashed features of several sentences as coordinates: ``values[k]`` sits at (``rows[k]``, ``slots[k]``).

    A slot can appear more than once in a row (the blocks share one hashed space); a linear
    model adds them up, as a sparse matrix built from these coordinates does.
    """

    rows: npt.NDArray[np.int64]
    slots: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    count: int


def _normalised_block(
    rows: list[int], slots: list[int], count: int, size: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Counts of each (row, slot) pair, each row scaled to unit L2 norm."""
    keys, counts = np.unique(
        np.asarray(rows, dtype=np.int64) * size + np.asarray(slots, dtype=np.int64), return_counts=True
    )
    block_rows, block_slots = np.divmod(keys, size)
    values = counts.astype(np.float64)
    norms = np.sqrt(np.bincount(block_rows, weights=values * values, minlength=count))
    norms[norms == 0] = 1.0
    return block_rows, block_slots, values / norms[block_rows]


def feature_rows(texts: list[str], config: FeatureConfig) -> FeatureRows:
    """The hashed features of ``texts`` (word, character and cue blocks; word and character blocks L2-normalised).

    One pass over all sentences of an article with a few array operations, rather than a
    dictionary per sentence: scoring an article this way costs a fraction of the per-sentence path.
    """
    mask = config.size - 1
    word_rows: list[int] = []
    word_slots: list[int] = []
    char_rows: list[int] = []
    char_slots: list[int] = []
    cue_rows: list[int] = []
    cue_slots: list[int] = []
    for row, raw in enumerate(texts):
        text = cues.normalise(raw)
        words = cues.tokens(text)
        shapes = [
            "<name>" if config.names and _is_name(words, i) else _shape(w)
            for i, w in enumerate(words)
            if w[0].isalnum() or w[0] in "$€£"
        ]
        found = [_cached_slot("w:" + shape, mask) for shape in shapes]
        if config.word_bigrams:
            padded = ["<s>", *shapes, "</s>"]
            found.extend(_cached_slot(f"b:{left} {right}", mask) for left, right in itertools.pairwise(padded))
        word_slots.extend(found)
        word_rows.extend([row] * len(found))
        if config.chars:
            before = len(char_slots)
            for shape in shapes:
                if shape[0] != "<":
                    char_slots.extend(_char_slots(shape, mask, config.char_min, config.char_max))
            char_rows.extend([row] * (len(char_slots) - before))
        if config.cues:
            named = [_cached_slot("cue:" + name, mask) for name in cue_names(text, words)]
            cue_slots.extend(named)
            cue_rows.extend([row] * len(named))
    count = len(texts)
    parts = [_normalised_block(word_rows, word_slots, count, config.size)]
    if char_slots:
        parts.append(_normalised_block(char_rows, char_slots, count, config.size))
    parts.append((np.asarray(cue_rows, dtype=np.int64), np.asarray(cue_slots, dtype=np.int64), np.ones(len(cue_slots))))
    return FeatureRows(
        rows=np.concatenate([p[0] for p in parts]),
        slots=np.concatenate([p[1] for p in parts]),
        values=np.concatenate([p[2] for p in parts]),
        count=count,
    )


def featurise(text: str, config: FeatureConfig) -> dict[int, float]:
    """The sparse feature vector of one sentence: slot index → value (each block L2-normalised)."""
    found = feature_rows([text], config)
    out: dict[int, float] = {}
    for slot, value in zip(found.slots.tolist(), found.values.tolist(), strict=True):
        out[slot] = out.get(slot, 0.0) + value
    return out
