"""Sentence → sparse feature vector for the check-worthiness model.

Three blocks, each hashed into one fixed-size space so no vocabulary has to ship:
word uni- and bigrams (numbers folded to their shape: ``<num>``, ``<pct>``, ``<money>``, ``<year>``),
character n-grams within words (robust to inflection and names never seen in training), and
the named surface cues of :mod:`factsift.claims.cues` (quantities, entities, past-tense verbs,
attributions, comparatives, first/second person, modals, questions, length).
The same code featurises training data and live articles, so the two cannot drift apart.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TypeVar

from factsift.claims import cues

_DIGIT = re.compile(r"\d")
_CAPITALISED = re.compile(r"^[A-Z][a-zA-Z'.-]*$")
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z]{2,6}s?$")
_MONEY_HINTS = ("$", "€", "£", "dollars", "euros", "pounds")
K = TypeVar("K", str, tuple[str, str])


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
    """How many of the ascending ``edges`` ``value`` reaches."""
    return bisect.bisect_right(edges, value)


def cue_names(text: str, words: Sequence[str]) -> list[str]:
    """The named surface cues a sentence shows (used as features and for explanations)."""
    folded = text.lower()  # the case-blind patterns run once over lower-cased text
    # one addition of the words' packed counts gives every count below (see _WordCues)
    packed = sum(map(_WORD_CUES.__getitem__, words))
    (
        alpha,
        capitalised,
        acronym,
        past,
        first,
        number_words,
        second,
        modals,
        opinions,
        hedges,
        attributions,
        comparatives,
    ) = ((packed >> shift) & _FIELD for shift in _SHIFTS)
    if alpha:
        opener = next(word for word in words if word[0].isalpha())  # the sentence's first word does not count
        capitalised -= (_WORD_CUES[opener] >> _SHIFTS[1]) & _FIELD
    names: list[str] = []
    digits = bool(cues.NUMBER.search(text))
    if digits or number_words:
        names.append("quantity")
    if digits:
        names.append("digits")
    # each pattern below needs a digit, "%" or "cent", or a currency: skip the search when absent
    if ("%" in folded or "cent" in folded) and cues.PERCENT_LOWER.search(folded):
        names.append("percent")
    if digits and any(hint in folded for hint in _MONEY_HINTS) and cues.MONEY_LOWER.search(folded):
        names.append("money")
    if digits and cues.YEAR.search(text):
        names.append("year")
    names.append(_CAPS[_bucket(capitalised, (1, 2, 4, 7))])
    if acronym:
        names.append("acronym")
    names.append(_PAST[_bucket(past, (1, 2, 4))])
    # a cue word is a whole run of word characters; the words' own codes show it, unless a digit joins a
    # number to the next word ("5said") or a phrase of the pattern occurs: then the pattern is searched
    joined = cues.DIGIT_LETTER.search(text) is not None
    if (
        attributions
        if not joined and not _holds_phrase(folded, cues.ATTRIBUTION_PHRASE_HINTS, cues.ATTRIBUTION_PHRASES)
        else cues.ATTRIBUTION_LOWER.search(folded)
    ):
        names.append("attribution")
    if (
        comparatives
        if not joined and not _holds_phrase(folded, cues.COMPARATIVE_PHRASE_HINTS, cues.COMPARATIVE_PHRASES)
        else cues.COMPARATIVE_WORDS_LOWER.search(folded)
    ) or ("than" in folded and cues.COMPARATIVE_THAN_LOWER.search(folded)):
        names.append("comparison")
    names.append(_FIRST[_bucket(first, (1, 3))])
    if second:
        names.append("second")
    if modals:
        names.append("modal")
    if opinions:
        names.append("opinion")
    if hedges:
        names.append("hedge")
    if "?" in text:
        names.append("question")
    if "!" in text:
        names.append("exclaim")
    names.append(_LENGTH[_bucket(alpha, (4, 8, 13, 20, 30, 45))])
    return names


def _holds_phrase(folded: str, hints: tuple[str, ...], phrases: tuple[str, ...]) -> bool:
    """Whether lower-cased text holds one of ``phrases`` (looked for only when it holds one of their ``hints``)."""
    return any(hint in folded for hint in hints) and any(phrase in folded for phrase in phrases)


_CAPS = tuple(f"caps{i}" for i in range(5))
_PAST = tuple(f"past{i}" for i in range(4))
_FIRST = tuple(f"first{i}" for i in range(3))
_LENGTH = tuple(f"len{i}" for i in range(7))
#: Bits of each count packed in a word's cue code: enough for any sentence's token count.
_FIELD_BITS = 40
_FIELD = (1 << _FIELD_BITS) - 1
_SHIFTS = tuple(range(0, 12 * _FIELD_BITS, _FIELD_BITS))
#: Most words :data:`_WORD_CUES` remembers.
_MAX_REMEMBERED_WORDS = 200_000


class _WordCues(dict[str, int]):
    """Each token's cue facts packed as counts in one integer, so a sentence's counts are one sum.

    Twelve fields of :data:`_FIELD_BITS` bits, in the order of :data:`_SHIFTS`: starts with a letter,
    capitalised, acronym, past tense (these three for words starting with a letter), first person,
    number word, second person, modal, opinion word, hedge, and holds a one-word alternative of the
    attribution or of the comparative pattern. Remembered, since news prose repeats its words.
    """

    def __missing__(self, word: str) -> int:
        lower = word.lower()
        alpha = word[0].isalpha()
        ascii_capital = alpha and "A" <= word[0] <= "Z"  # both patterns need an ASCII capital first
        facts = (
            alpha,
            ascii_capital and _CAPITALISED.match(word) is not None,
            ascii_capital and _ACRONYM.match(word) is not None,
            alpha and cues.is_past_tense(word),
            lower in cues.FIRST_PERSON,
            lower in cues.NUMBER_WORDS,
            lower in cues.SECOND_PERSON,
            lower in cues.MODALS,
            lower in cues.OPINION,
            lower in cues.HEDGES,
            cues.ATTRIBUTION_WORD_LOWER.search(lower) is not None,
            cues.COMPARATIVE_WORD_LOWER.search(lower) is not None,
        )
        code = sum(int(fact) << shift for fact, shift in zip(facts, _SHIFTS, strict=True))
        if len(self) < _MAX_REMEMBERED_WORDS:
            self[word] = code
        return code


_WORD_CUES = _WordCues()


@functools.lru_cache(maxsize=200_000)
def _titlecase(word: str) -> bool:
    return bool(_NAME.match(word))


def _slot(key: str, mask: int) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) & mask


#: Most slots each table of :func:`_slot_tables` remembers.
_MAX_REMEMBERED_SLOTS = 400_000


class _SlotTable(dict[K, int]):
    """Remembered slots of one kind of key (a shape, a shape pair, a cue name) in one hashed space.

    Keyed by the key itself, so a slot seen before costs one lookup, without building and hashing its
    key text: news prose repeats its words and word pairs.
    """

    def __init__(self, key_text: Callable[[K], str], mask: int) -> None:
        super().__init__()
        self.key_text: Callable[[K], str] = key_text
        self.mask = mask

    def __missing__(self, key: K) -> int:
        slot = _slot(self.key_text(key), self.mask)
        if len(self) < _MAX_REMEMBERED_SLOTS:
            self[key] = slot
        return slot


def _pair_text(pair: tuple[str, str]) -> str:
    return "b:{} {}".format(*pair)


@functools.cache
def _slot_tables(mask: int) -> tuple[_SlotTable[str], _SlotTable[tuple[str, str]], _SlotTable[str]]:
    """The slot tables of word shapes, shape pairs and cue names for one hashed space."""
    return _SlotTable("w:{}".format, mask), _SlotTable(_pair_text, mask), _SlotTable("cue:{}".format, mask)


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


def _normalised(counts: dict[int, float] | Counter[int], out: dict[int, float]) -> None:
    norm = math.hypot(*counts.values()) or 1.0
    if not out:
        out.update({index: value / norm for index, value in counts.items()})
        return
    for index, value in counts.items():
        out[index] = out.get(index, 0.0) + value / norm


_NAME = re.compile(r"^[A-Z][a-z][\w'-]*$")


_OPENS_AFTER = frozenset({".", '"', ":"})


def _name_flags(words: Sequence[str]) -> list[bool]:
    """For each word: is it a Titlecase word that does not open the sentence (after a full stop or quote it may)?"""
    if not words:
        return []
    return [False, *(previous not in _OPENS_AFTER and _titlecase(word) for previous, word in itertools.pairwise(words))]


def embedding_tokens(text: str, names: bool = False) -> list[str]:
    """The lower-cased words of a sentence that the word-vector block averages over (names left out if ``names``)."""
    words = cues.sentence_tokens(text)
    flags = _name_flags(words) if names else [False] * len(words)
    return [w.lower() for w, name in zip(words, flags, strict=True) if w[0].isalnum() and not name]


#: The facts of a word folded to a name: no word-vector word.
_NAME_FACTS = ("<name>", None, True)


@functools.lru_cache(maxsize=200_000)
def _word_facts(word: str) -> tuple[str | None, str | None, bool]:
    """A token's shape (None: not a word feature), its lower case when it counts for the word vectors, and
    whether it is Titlecase; remembered, since news prose repeats its words."""
    if word[0].isalnum():
        return _shape(word), word.lower(), _titlecase(word)
    return (_shape(word) if word[0] in "$€£" else None), None, False


@dataclass(frozen=True)
class Blocks:
    """A sentence's hashed slots before weighting: word/bigram slots (with repeats), the words whose
    character n-grams count, and the cue slots. :func:`featurise` and the scorer both start here."""

    words: list[int]
    char_words: list[str]
    cues: list[int]
    #: The lower-cased words the word-vector scores average over (as :func:`embedding_tokens`).
    vector_words: list[str]


def blocks(text: str, config: FeatureConfig) -> Blocks:
    """The hashed slots of one sentence, block by block (see :func:`featurise` for the values)."""
    words = cues.sentence_tokens(text)
    text = cues.normalise(text)
    word_table, pair_table, cue_table = _slot_tables(config.size - 1)
    facts = list(map(_word_facts, words))
    if config.names:  # the first word is never folded to a name (as :func:`_name_flags`)
        facts = [
            _NAME_FACTS if fact[2] and previous not in _OPENS_AFTER else fact
            for fact, previous in zip(facts, (".", *words), strict=False)
        ]
    shapes = [shape for shape, _, _ in facts if shape is not None]
    vector_words = [lower for _, lower, _ in facts if lower is not None]
    word_slots = list(map(word_table.__getitem__, shapes))
    if config.word_bigrams:
        word_slots.extend(map(pair_table.__getitem__, itertools.pairwise(["<s>", *shapes, "</s>"])))
    char_words = [shape for shape in shapes if shape[0] != "<"] if config.chars else []
    cue_slots = list(map(cue_table.__getitem__, cue_names(text, words))) if config.cues else []
    return Blocks(word_slots, char_words, cue_slots, vector_words)


def char_slots(word: str, config: FeatureConfig) -> tuple[int, ...]:
    """Hashed slots of one word's character n-grams (cached)."""
    return _char_slots(word, config.size - 1, config.char_min, config.char_max)


def featurise(text: str, config: FeatureConfig) -> dict[int, float]:
    """The sparse feature vector of one sentence: slot index → value (each block L2-normalised)."""
    parts = blocks(text, config)
    out: dict[int, float] = {}
    _normalised(Counter(parts.words), out)
    if config.chars:
        chars = Counter(itertools.chain.from_iterable(char_slots(word, config) for word in parts.char_words))
        _normalised(chars, out)
    for index in parts.cues:
        out[index] = out.get(index, 0.0) + 1.0
    return out
