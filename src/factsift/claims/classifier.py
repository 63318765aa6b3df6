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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from factsift.claims.features import FeatureConfig, blocks, char_slots
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
    _char_grams: dict[str, tuple[tuple[int, ...], float]] = field(default_factory=dict, repr=False, compare=False)

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

    def _char_gram(self, word: str) -> tuple[tuple[int, ...], float]:
        """A word's character n-gram slots and the sum of their weights (cached per model: words repeat)."""
        cached = self._char_grams.get(word)
        if cached is None:
            slots = char_slots(word, self.config)
            cached = (slots, float(self.weights[list(slots)].sum()))
            if len(self._char_grams) < 500_000:
                self._char_grams[word] = cached
        return cached

    def score(self, text: str) -> float:
        """Check-worthiness of one sentence in [0, 1] (the model's probability of CFS).

        The same number as ``weights · featurise(text)`` plus the bias, computed block by block: a
        block's weighted sum over its slot counts divided by its L2 norm, without building the vector.
        """
        parts = blocks(text, self.config)
        if not parts.words and not parts.cues:
            return 0.0
        weights = self.weights
        margin = self.bias
        if parts.words:
            margin += float(weights[parts.words].sum()) / _norm(Counter(parts.words).values())
        if parts.char_words:
            remembered = self._char_grams.get  # a dict look-up before a method call: most words were seen before
            grams = [remembered(w) or self._char_gram(w) for w in parts.char_words]
            counts = Counter(itertools.chain.from_iterable(slots for slots, _ in grams))
            if counts:
                margin += sum(weight for _, weight in grams) / _norm(counts.values())
        if parts.cues:
            margin += float(weights[parts.cues].sum())
        if self.word_scores:
            known = [self.word_scores[w] for w in parts.vector_words if w in self.word_scores]
            if known:
                margin += sum(known) / len(known)
        return sigmoid(margin)

    def score_many(
        self, texts: list[str], encoder: FeatureEncoder | None = None, limit: int | None = None
    ) -> list[float]:
        """Check-worthiness of each sentence, in order (the whole cascade when ``encoder`` is given;
        ``limit`` bounds how many sentences it encodes)."""
        scores = [self.score(text) for text in texts]
        return self.refine(scores, texts, encoder, limit) if encoder is not None else scores


def _norm(counts: Iterable[int]) -> float:
    return math.hypot(*counts) or 1.0


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
