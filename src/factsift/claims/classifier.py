"""The shipped check-worthiness model: hashed features, one weight per slot, a logistic output.

The model is two small files without pickle: ``claims-model.npz`` (``weights`` float16, ``bias``
and, when trained with word vectors, ``words`` and ``word_scores``: each word's learned share of
the mean-vector block, see :mod:`factsift.claims.embeddings`) and ``claims-model.json`` (feature
config, threshold, provenance and held-out figures). Scoring needs only numpy; the model is
loaded once per process.

A model may also carry a second stage (``head_*`` arrays and a ``cascade`` entry): a small
perceptron on contextual sentence features (:mod:`factsift.claims.encoder`, :mod:`factsift.claims.head`).
The cheap n-gram score decides the sentences it is sure of; only those whose score falls in the
cascade's uncertain band are encoded, and their score becomes the mean of the two models'.
Without the embeddings extra (or with ``--fast``) the first stage alone is used, with its own threshold.
A model trained with ``--fine-tune`` also has ``STEM.layers.npz``: its own weights for the encoder's top
layers (:mod:`factsift.claims.finetune`), named in the ``.json`` and loaded with the encoder.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from factsift.claims.features import Blocks, FeatureConfig, blocks, char_slots
from factsift.claims.head import KEYS as HEAD_KEYS
from factsift.claims.head import Head
from factsift.errors import InputError
from factsift.ml.logistic import sigmoid

if TYPE_CHECKING:
    from factsift.claims.encoder import FeatureEncoder

DATA_DIR = Path(__file__).parent / "data"
MODEL_NAME = "claims-model"
#: Suffix of the file holding a fine-tuned model's encoder layers, beside ``STEM.npz``.
LAYERS_SUFFIX = ".layers.npz"


@dataclass(frozen=True)
class Cascade:
    """When the second stage runs and how its score joins the first's (all chosen by cross-validation)."""

    #: First-stage scores in [low, high] are uncertain: only those sentences are encoded.
    low: float
    high: float
    #: Weight of the head's probability in the final score (the rest is the first stage's).
    mix: float
    #: "Worth checking" threshold of the cascade's final score.
    threshold: float

    def uncertain(self, score: float) -> bool:
        """True when a first-stage score is in the band the second stage re-scores."""
        return self.low <= score <= self.high

    def to_dict(self) -> dict[str, float]:
        """JSON form, saved in the model file."""
        return {"low": self.low, "high": self.high, "mix": self.mix, "threshold": self.threshold}


@dataclass(frozen=True)
class ClaimModel:
    """Weights, bias, feature config and the "worth checking" threshold of one trained model."""

    weights: npt.NDArray[np.float32]
    bias: float
    config: FeatureConfig
    threshold: float
    meta: dict[str, Any]
    word_scores: dict[str, float] = field(default_factory=dict)
    head: Head | None = None
    cascade: Cascade | None = None
    #: The second stage's fine-tuned encoder layers (``STEM.layers.npz``), or None for the bundled ones.
    layers_file: Path | None = None
    _char_grams: dict[str, tuple[npt.NDArray[np.int64], float]] = field(default_factory=dict, repr=False, compare=False)
    #: The weights in float64 with each one's binary grain (one entry once computed; see ``_exact_weights``).
    _weights64: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]] = field(
        default_factory=list, repr=False, compare=False
    )

    def threshold_for(self, encoder: FeatureEncoder | None) -> float:
        """The "worth checking" threshold: the cascade's when the second stage can run, else the first stage's."""
        return self.cascade.threshold if self.cascade is not None and encoder is not None else self.threshold

    def refine(
        self, scores: list[float], texts: list[str], encoder: FeatureEncoder, limit: int | None = None
    ) -> list[float]:
        """Final scores of sentences whose first-stage ``scores`` are given: uncertain ones re-scored by the head.

        ``limit`` bounds how many are encoded (the highest first-stage scores in the band go first).
        """
        if self.head is None or self.cascade is None or not texts:
            return list(scores)
        cascade = self.cascade
        uncertain = [i for i, score in enumerate(scores) if cascade.uncertain(score)]
        if limit is not None and len(uncertain) > limit:
            uncertain = sorted(sorted(uncertain, key=lambda i: -scores[i])[:limit])
        out = list(scores)
        if uncertain:
            second = self.head.predict(encoder.features([texts[i] for i in uncertain]))
            for i, p in zip(uncertain, second.tolist(), strict=True):
                out[i] = cascade.mix * p + (1.0 - cascade.mix) * scores[i]
        return out

    def _char_gram(self, word: str) -> tuple[npt.NDArray[np.int64], float]:
        """A word's character n-gram slots and the sum of their weights (cached per model: words repeat)."""
        cached = self._char_grams.get(word)
        if cached is None:
            slots = np.array(char_slots(word, self.config), dtype=np.int64)
            cached = (slots, float(self.weights[slots].sum()))
            if len(self._char_grams) < 500_000:
                self._char_grams[word] = cached
        return cached

    def score(self, text: str) -> float:
        """Check-worthiness of one sentence in [0, 1] (the model's probability of CFS)."""
        return self.first_stage([text])[0]

    def first_stage(self, texts: Sequence[str]) -> list[float]:
        """Check-worthiness of each sentence by the n-gram model alone, in [0, 1].

        The same number as ``weights · featurise(text)`` plus the bias (and the mean word score), computed
        block by block for all sentences at once: each block's weighted sum over its slots divided by
        the L2 norm of its slot counts, the counts found by one sort of every sentence's slots.
        """
        if not texts:
            return []
        parts = [blocks(text, self.config) for text in texts]
        rows = np.arange(len(parts))
        words = _Flat.of([p.words for p in parts], rows)
        cue_slots = _Flat.of([p.cues for p in parts], rows)
        chars = self._char_block(parts, rows)
        norms = _block_norms([words, chars.slots], len(parts), self.config.bits)
        margin = np.full(len(parts), self.bias)
        margin += self._float32_sums(words, parts, "words") / norms[0]
        margin += chars.sums / norms[1]
        margin += self._float32_sums(cue_slots, parts, "cues")
        if self.word_scores:
            margin += self._word_score_means(parts)
        empty = [not p.words and not p.cues for p in parts]
        return [0.0 if nothing else sigmoid(value) for nothing, value in zip(empty, margin.tolist(), strict=True)]

    def _char_block(self, parts: Sequence[Blocks], rows: npt.NDArray[np.intp]) -> _CharBlock:
        """Every sentence's character n-gram slots, expanded from each distinct word's cached slots, and the
        block's weight sum per sentence (the words' cached sums, added in order)."""
        words = list(itertools.chain.from_iterable(p.char_words for p in parts))
        vocabulary = {word: i for i, word in enumerate(dict.fromkeys(words))}
        occurrences = list(map(vocabulary.__getitem__, words))
        grams = [self._char_grams.get(word) or self._char_gram(word) for word in vocabulary]
        word_rows = np.repeat(rows, [len(p.char_words) for p in parts])
        if not grams:
            empty = np.zeros(0, dtype=np.int64)
            return _CharBlock(_Flat(empty, empty), np.zeros(len(parts)))
        lengths = np.array([len(slots) for slots, _ in grams])
        starts = np.cumsum(lengths) - lengths
        every = np.array(occurrences, dtype=np.intp)
        counts = lengths[every]
        # the k-th slot of an occurrence lies at its word's start + k in the concatenated slots
        shift = np.repeat(starts[every] - (np.cumsum(counts) - counts), counts)
        slots = np.concatenate([slots for slots, _ in grams])[np.arange(int(counts.sum())) + shift]
        sums = _sum_by_row(word_rows, np.array([total for _, total in grams])[every], len(parts))
        return _CharBlock(_Flat(slots, np.repeat(word_rows, counts)), sums)

    def _float32_sums(
        self, flat: _Flat, parts: Sequence[Blocks], block: Literal["words", "cues"]
    ) -> npt.NDArray[np.float64]:
        """Each sentence's sum of the float32 weights of its slots, as numpy sums them (the reference's rounding).

        Summed in float64 at once: the weights are float16 values, multiples of 2^-g, so while a sentence's
        sum of |weights| stays under 2^(24-g) every partial sum is exact in float32 and any order gives the
        float32 result. The rare sentence beyond that is summed as the reference did.
        """
        count = len(parts)
        if not len(flat.slots):
            return np.zeros(count)
        weights64, grain = self._exact_weights()
        sums = _sum_by_row(flat.rows, weights64[flat.slots], count)
        magnitude = _sum_by_row(flat.rows, np.abs(weights64[flat.slots]), count)
        finest = np.zeros(count, dtype=np.int64)
        np.maximum.at(finest, flat.rows, grain[flat.slots])
        for row in np.flatnonzero(magnitude >= np.exp2(24 - finest)).tolist():
            sums[row] = float(self.weights[getattr(parts[row], block)].sum())
        return sums

    def _exact_weights(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """The weights in float64 and, per slot, the least g with weight · 2^g an integer (cached per model)."""
        if not self._weights64:
            weights64 = self.weights.astype(np.float64)
            self._weights64.append((weights64, binary_grain(weights64)))
        return self._weights64[0]

    def _word_score_means(self, parts: Sequence[Blocks]) -> npt.NDArray[np.float64]:
        """Each sentence's mean learned word score over its known words (0 without any)."""
        words = itertools.chain.from_iterable(p.vector_words for p in parts)
        found = np.fromiter(map(self.word_scores.get, words, itertools.repeat(math.nan)), dtype=np.float64)
        known = ~np.isnan(found)
        rows = np.repeat(np.arange(len(parts)), [len(p.vector_words) for p in parts])[known]
        count = np.bincount(rows, minlength=len(parts))
        total = _sum_by_row(rows, found[known], len(parts))
        return np.divide(total, count, out=np.zeros(len(parts)), where=count > 0)

    def score_many(
        self, texts: list[str], encoder: FeatureEncoder | None = None, limit: int | None = None
    ) -> list[float]:
        """Check-worthiness of each sentence, in order (the whole cascade when ``encoder`` is given;
        ``limit`` bounds how many sentences it encodes)."""
        scores = self.first_stage(texts)
        return self.refine(scores, texts, encoder, limit) if encoder is not None else scores


@dataclass(frozen=True)
class _Flat:
    """The slots of many sentences in one array, with the index of the sentence each belongs to."""

    slots: npt.NDArray[np.int64]
    rows: npt.NDArray[np.intp]

    @classmethod
    def of(cls, per_sentence: Sequence[list[int]], rows: npt.NDArray[np.intp]) -> _Flat:
        """Flatten one slot list per sentence."""
        slots = np.fromiter(itertools.chain.from_iterable(per_sentence), dtype=np.int64)
        return cls(slots, np.repeat(rows, [len(s) for s in per_sentence]))


@dataclass(frozen=True)
class _CharBlock:
    """The character n-gram block of many sentences: its slots and each sentence's weight sum."""

    slots: _Flat
    sums: npt.NDArray[np.float64]


def binary_grain(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """For each value, the least g with value · 2^g an integer (zero: a value far below any other's grain).

    value = m · 2^e with 0.5 <= |m| < 1 (``frexp``); m · 2^53 is an integer whose trailing zero bits t
    give g = 53 - e - t.
    """
    mantissa, exponent = np.frexp(values)
    whole = np.abs(np.ldexp(mantissa, 53)).astype(np.int64)
    lowest = np.where(whole > 0, whole & -whole, 1)
    grain = 53 - exponent.astype(np.int64) - np.log2(lowest).round().astype(np.int64)
    return np.where(values == 0, np.iinfo(np.int64).min // 2, grain)


def _sum_by_row(
    rows: npt.NDArray[np.integer[Any]], values: npt.NDArray[np.float64], count: int
) -> npt.NDArray[np.float64]:
    """The sum of ``values`` per row index in ``range(count)``, each row's added in order (as ``sum`` would)."""
    return np.bincount(rows, weights=values, minlength=count).astype(np.float64, copy=False)


def _block_norms(flats: Sequence[_Flat], count: int, bits: int) -> npt.NDArray[np.float64]:
    """L2 norm of each sentence's slot counts in each block (1 where a block is empty), blocks × sentences.

    One stable sort of (block, sentence, slot) keys puts equal slots of a sentence side by side; each run's
    length is a count. Counts are integers, so the sums of squares are exact and their roots equal ``math.hypot``.
    """
    keys = np.concatenate(
        [((flat.rows.astype(np.int64) * len(flats) + block) << bits) | flat.slots for block, flat in enumerate(flats)]
    )
    squares = np.zeros(count * len(flats))
    if len(keys):
        keys.sort(kind="stable")
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        runs = np.diff(np.append(starts, len(keys))).astype(np.float64)
        squares = _sum_by_row(keys[starts] >> bits, runs * runs, count * len(flats))
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    return norms.reshape(count, len(flats)).T


def _file(path_stem: Path, suffix: str) -> Path:
    return path_stem.with_name(path_stem.name + suffix)


def save(
    path_stem: Path,
    weights: npt.NDArray[np.floating[Any]],
    bias: float,
    meta: dict[str, Any],
    word_scores: dict[str, float] | None = None,
    head: Head | None = None,
    layers: dict[str, npt.NDArray[Any]] | None = None,
) -> None:
    """Write ``STEM.npz`` (weights, bias, per-word scores, head) and ``STEM.json`` (config, thresholds, provenance).

    ``layers`` (the arrays of :func:`factsift.claims.finetune.layer_arrays`) go to ``STEM.layers.npz``;
    without them a stale file of that name is removed, so a model never picks up another's layers.
    """
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, npt.NDArray[Any]] = {"weights": weights.astype(np.float16), "bias": np.array([bias])}
    if word_scores:
        arrays["words"] = np.frombuffer("\n".join(word_scores).encode("utf-8"), dtype=np.uint8)
        arrays["word_scores"] = np.array(list(word_scores.values()), dtype=np.float16)
    if head is not None:
        arrays.update(head.arrays())
    np.savez_compressed(_file(path_stem, ".npz"), **arrays)  # type: ignore[arg-type]
    if layers:
        np.savez_compressed(_file(path_stem, LAYERS_SUFFIX), **layers)  # type: ignore[arg-type]
    else:
        _file(path_stem, LAYERS_SUFFIX).unlink(missing_ok=True)
    _file(path_stem, ".json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load(path_stem: Path) -> ClaimModel:
    """Read a model written by :func:`save` (``allow_pickle=False``: a model file cannot run code)."""
    try:
        meta = json.loads(_file(path_stem, ".json").read_text(encoding="utf-8"))
        with np.load(_file(path_stem, ".npz"), allow_pickle=False) as arrays:
            weights = arrays["weights"].astype(np.float32)
            bias = float(arrays["bias"][0])
            word_scores: dict[str, float] = {}
            if "words" in arrays.files:
                words = arrays["words"].astype(np.uint8).tobytes().decode("utf-8").split("\n")
                scores = arrays["word_scores"].astype(np.float32).tolist()
                if len(words) != len(scores):
                    raise ValueError(f"{len(words)} words but {len(scores)} word scores")
                word_scores = dict(zip(words, scores, strict=True))
            head = Head.from_arrays({k: arrays[k] for k in HEAD_KEYS}) if HEAD_KEYS[0] in arrays.files else None
        cascade = Cascade(**meta["cascade"]) if meta.get("cascade") else None
        tuned = bool((meta.get("second_stage") or {}).get("tuned_layers"))
        config = FeatureConfig(**meta["features"])
        threshold = float(meta["threshold"])
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot load claims model {path_stem}: {exc}") from exc
    if weights.shape != (config.size,):
        raise InputError(f"claims model {path_stem}: {weights.shape[0]} weights, config expects {config.size}")
    if (head is None) != (cascade is None):
        raise InputError(f"claims model {path_stem}: a second-stage head needs a cascade entry and vice versa")
    layers_file = _file(path_stem, LAYERS_SUFFIX) if tuned else None
    if layers_file is not None and not layers_file.is_file():
        raise InputError(f"claims model {path_stem}: its fine-tuned encoder layers {layers_file} are missing")
    return ClaimModel(
        weights=weights,
        bias=bias,
        config=config,
        threshold=threshold,
        meta=meta,
        word_scores=word_scores,
        head=head,
        cascade=cascade,
        layers_file=layers_file,
    )


def stem_of(path: Path) -> Path:
    """The path stem of a model pair, whether given as ``STEM``, ``STEM.npz`` or ``STEM.json``."""
    return path.with_suffix("") if path.suffix in {".npz", ".json"} else path


@functools.cache
def shipped() -> ClaimModel:
    """The model that ships with factsift (loaded once per process)."""
    return load(DATA_DIR / MODEL_NAME)
