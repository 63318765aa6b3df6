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
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

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
        return 384 * len(LAYERS)

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


@functools.cache
def bundled_features() -> SentenceFeatures | None:
    """The feature encoder built from the bundled all-MiniLM-L6-v2; None when the extra is not installed."""
    encoder = load_bundled()
    if encoder is None:
        return None
    import torch

    base = encoder.model[0].auto_model
    # the word-embedding table (~47 MB, not quantised, only read) is shared with the retrieval encoder, not copied
    transformer = copy.deepcopy(base, memo={id(base.embeddings): base.embeddings}).eval()
    transformer.encoder.layer = transformer.encoder.layer[:DEPTH]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch announces the move of this API to torchao
        # in place: the copy above is ours, and a second full-precision copy would only raise peak memory
        quantised = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            transformer, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )
    return SentenceFeatures(tokenizer=copy.deepcopy(encoder.model.tokenizer), transformer=quantised)


class DeferredFeatures:
    """The bundled feature encoder, loaded when the first sentence needs it.

    Loading PyTorch and the model takes seconds, while many articles have no sentence the first
    stage is unsure of: those are scored without ever loading it.
    """

    def features(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One row per text, from :func:`bundled_features` (loaded on this first call)."""
        encoder = bundled_features()
        if encoder is None:
            raise RuntimeError("the embeddings extra is not installed: the second stage cannot run")
        return encoder.features(texts)
