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
import math
import re
import zlib
from dataclasses import asdict, dataclass

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
    capitalised = sum(1 for w in alpha[1:] if _CAPITALISED.match(w))
    names.append(f"caps{_bucket(capitalised, (1, 2, 4, 7))}")
    if any(_ACRONYM.match(w) for w in alpha):
        names.append("acronym")
    past = sum(1 for w in alpha if cues.is_past_tense(w))
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


def _slot(key: str, mask: int) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) & mask


def _add(counts: dict[int, float], key: str, mask: int, weight: float = 1.0) -> None:
    index = _slot(key, mask)
    counts[index] = counts.get(index, 0.0) + weight


@functools.lru_cache(maxsize=200_000)
def _char_slots(word: str, mask: int, char_min: int, char_max: int) -> tuple[int, ...]:
    """Hashed slots of a word's character n-grams; cached, since news prose repeats its words."""
    padded_word = f" {word} "
    size = len(padded_word)
    return tuple(
        _slot("c:" + padded_word[i : i + n], mask) for n in range(char_min, char_max + 1) for i in range(size - n + 1)
    )


def _normalised(counts: dict[int, float], out: dict[int, float]) -> None:
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    for index, value in counts.items():
        out[index] = out.get(index, 0.0) + value / norm


_NAME = re.compile(r"^[A-Z][a-z][\w'-]*$")


def _is_name(words: list[str], position: int) -> bool:
    """A Titlecase word that does not open the sentence (after a full stop or quote it may)."""
    return position > 0 and bool(_NAME.match(words[position])) and words[position - 1] not in {".", '"', ":"}


def embedding_tokens(text: str, names: bool = False) -> list[str]:
    """The lower-cased words of a sentence that the word-vector block averages over (names left out if ``names``)."""
    words = cues.tokens(cues.normalise(text))
    return [w.lower() for i, w in enumerate(words) if w[0].isalnum() and not (names and _is_name(words, i))]


def featurise(text: str, config: FeatureConfig) -> dict[int, float]:
    """The sparse feature vector of one sentence: slot index → value (each block L2-normalised)."""
    text = cues.normalise(text)
    words = cues.tokens(text)
    mask = config.size - 1
    out: dict[int, float] = {}
    shapes = [
        "<name>" if config.names and _is_name(words, i) else _shape(w)
        for i, w in enumerate(words)
        if w[0].isalnum() or w[0] in "$€£"
    ]
    block: dict[int, float] = {}
    for shape in shapes:
        _add(block, "w:" + shape, mask)
    if config.word_bigrams:
        padded = ["<s>", *shapes, "</s>"]
        for left, right in itertools.pairwise(padded):
            _add(block, f"b:{left} {right}", mask)
    _normalised(block, out)
    if config.chars:
        block = {}
        for shape in shapes:
            if shape[0] == "<":
                continue
            for index in _char_slots(shape, mask, config.char_min, config.char_max):
                block[index] = block.get(index, 0.0) + 1.0
        _normalised(block, out)
    if config.cues:
        for name in cue_names(text, words):
            _add(out, "cue:" + name, mask)
    return out
