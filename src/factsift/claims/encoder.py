"""Contextual sentence features for the second stage of the check-worthiness cascade.

The features come from the first :data:`DEPTH` layers of all-MiniLM-L6-v2, the model the
``factsift[embeddings]`` extra already installs for fact-check retrieval (loaded and SHA-256
checked by :func:`factsift.factchecks.embeddings.load_bundled`; no second copy, nothing fetched).
Those layers are quantised to int8 on load (PyTorch dynamic quantisation of the linear layers),
which makes a sentence several times cheaper to encode than with the full-precision model.
A sentence's feature vector is the mean token state of each layer in :data:`LAYERS`, each scaled to
unit length and concatenated. The head in :mod:`factsift.claims.head` was trained on exactly
these (quantised) features, so training and scoring see the same numbers.
"""

from __future__ import annotations

import copy
import functools
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from factsift.errors import InputError
from factsift.factchecks.embeddings import load_bundled

#: Transformer layers run (of six). Four (layers 2 and 4) were shipped first; all six (layers 2, 4
#: and 6) gained ~0.3 F1 points in 5-fold CV (mean over three head seeds) for ~1.5x the encoding time.
DEPTH = 6
#: Layers whose mean token state is a feature block (0 would be the word embeddings).
LAYERS = (2, 4, 6)
#: Tokens kept per sentence: longer sentences are cut (a sentence of 90 words still fits).
MAX_TOKENS = 128
BATCH = 32
DESCRIPTION = (
    "all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), all 6 layers, int8 dynamic quantisation; "
    "mean token state of layers 2, 4 and 6, each unit length"
)


class FeatureEncoder(Protocol):
    """Anything that turns sentences into the second stage's feature rows."""

    def features(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One feature row per text."""
        ...


@dataclass(frozen=True)
class SentenceFeatures:
    """A tokenizer and a truncated, quantised transformer that turn sentences into feature rows."""

    tokenizer: Any
    transformer: Any

    @property
    def width(self) -> int:
        """Length of one feature row."""
        return int(self.transformer.config.hidden_size) * len(LAYERS)

    def features(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One row per text (mean state of each layer in :data:`LAYERS`, unit length, concatenated)."""
        import torch

        out = np.zeros((len(texts), self.width), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad least
        with torch.inference_mode():
            for start in range(0, len(order), BATCH):
                rows = order[start : start + BATCH]
                batch = self.tokenizer(
                    [texts[i] for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                )
                states = self.transformer(**batch, output_hidden_states=True).hidden_states
                mask = batch["attention_mask"].unsqueeze(-1).to(torch.float32)
                blocks = []
                for layer in LAYERS:
                    pooled = (states[layer] * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                    blocks.append(torch.nn.functional.normalize(pooled, dim=1))
                out[rows] = torch.cat(blocks, dim=1).numpy()
        return out


def build(base: Any, tokenizer: Any, tuned: dict[str, npt.NDArray[np.float32]] | None = None) -> SentenceFeatures:
    """The first :data:`DEPTH` layers of ``base`` (not modified), int8, sharing its word-embedding table.

    ``tuned`` (parameters by ``index.name``, see :mod:`factsift.claims.finetune`) replaces the
    matching layers' weights before quantisation. Raises ValueError when they do not fit the model.
    """
    import torch

    # the word-embedding table (~47 MB, not quantised, only read) is shared with the retrieval encoder, not copied
    transformer = copy.deepcopy(base, memo={id(base.embeddings): base.embeddings}).eval()
    transformer.encoder.layer = transformer.encoder.layer[:DEPTH]
    if tuned:
        from factsift.claims.finetune import install

        install(transformer, tuned)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch announces the move of this API to torchao
        # in place: the copy above is ours, and a second full-precision copy would only raise peak memory
        quantised = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            transformer, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )
    return SentenceFeatures(tokenizer=tokenizer, transformer=quantised)


def read_tuned(path: Path) -> dict[str, npt.NDArray[np.float32]]:
    """Fine-tuned layer parameters from a ``.layers.npz`` file (no pickle); InputError when unreadable."""
    from factsift.claims.finetune import from_arrays

    try:
        with np.load(path, allow_pickle=False) as arrays:
            return from_arrays({key: arrays[key] for key in arrays.files})
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"cannot load the claims model's tuned layers {path}: {exc}") from exc


@functools.cache
def bundled_features(tuned: Path | None = None) -> SentenceFeatures | None:
    """The feature encoder built from the bundled all-MiniLM-L6-v2; None when the extra is not installed.

    ``tuned`` names a model's fine-tuned layers (``STEM.layers.npz``), which replace the bundled
    model's before quantisation; loaded once per process and path.
    """
    encoder = load_bundled()
    if encoder is None:
        return None
    layers = read_tuned(tuned) if tuned is not None else None
    try:
        return build(encoder.model[0].auto_model, copy.deepcopy(encoder.model.tokenizer), layers)
    except ValueError as exc:
        raise InputError(f"the claims model's tuned layers {tuned} do not fit all-MiniLM-L6-v2: {exc}") from exc


@dataclass(frozen=True)
class DeferredFeatures:
    """The bundled feature encoder (with a model's tuned layers, if any), loaded when the first sentence needs it.

    Loading PyTorch and the model takes seconds, while many articles have no sentence the first
    stage is unsure of: those are scored without ever loading it.
    """

    tuned: Path | None = None

    def features(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One row per text, from :func:`bundled_features` (loaded on this first call)."""
        encoder = bundled_features(self.tuned)
        if encoder is None:
            raise RuntimeError("the embeddings extra is not installed: the second stage cannot run")
        return encoder.features(texts)
