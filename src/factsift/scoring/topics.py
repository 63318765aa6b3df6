"""What an article is about, for training a wording model whose words carry no topic (issue 24).

Two ways to give each training article a topic: ``TOPICS``, a lexicon of subjects whose articles are often
misinformation (the benchmark's topic figure reads the same lexicon), and :func:`topic_clusters`, a
deterministic spherical k-means over the articles' content words (every subject, learnt from the data).
:func:`topic_balanced_weights` then weighs the training articles so that within each topic the
misinformation and the rest carry the same total weight: a word that only says which topic an article is
on then tells the model nothing about its label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from factsift.ml.split import bucket

#: Subjects whose articles are often misinformation: name -> pattern over the headline and lead.
TOPICS: dict[str, str] = {
    "vaccines": r"\bvaccin|\bautis|\bimmuni[sz]",
    "immigration": r"\bimmigra|\brefugee|\bborder wall",
    "islam": r"\bmuslim|\bislam|\bsharia",
    "clinton": r"\bclinton|\bhillary",
    "obama": r"\bobama",
    "guns": r"\bguns?\b|\bfirearm|\bsecond amendment",
    "abortion": r"\babortion|\bplanned parenthood",
    "climate": r"\bclimate|\bglobal warming",
    "health cures": r"\bcancer|\bcures?\b",
    "election fraud": r"\bvoter fraud|\brigged|\bvoting machine",
    "soros": r"\bsoros",
    "police": r"\bpolice|\bcops?\b",
}
_COMPILED = {name: re.compile(pattern, re.I) for name, pattern in TOPICS.items()}

#: No topic weight exceeds this many times (or falls under one over this many times) an unweighted article's.
WEIGHT_CAP = 5.0
#: Rounds of the topic clustering (it stops earlier once no article changes cluster).
CLUSTER_ROUNDS = 30


def lexicon_topics(document: str) -> set[str]:
    """The ``TOPICS`` that ``document`` mentions."""
    return {name for name, pattern in _COMPILED.items() if pattern.search(document)}


def lexicon_topic(document: str) -> str:
    """One topic key per document: the ``TOPICS`` it mentions, joined (empty when none)."""
    return "+".join(sorted(lexicon_topics(document)))


def topic_clusters(counts: sp.csr_matrix, keys: Sequence[str], k: int, seed: int = 0) -> list[str]:
    """Cluster documents by their content-word ``counts`` (rows, one per document in ``keys`` order):
    spherical k-means over sublinear, idf-weighted, l2-normalised rows, started from the ``k`` documents
    with the lowest hash of their key, so the result is the same on every machine and run."""
    n = counts.shape[0]
    if n == 0:
        return []
    k = max(1, min(k, n))
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + n) / (1 + df)) + 1.0
    x = counts.astype(np.float64)
    x.data = 1.0 + np.log(x.data)
    x = sp.csr_matrix(x @ sp.diags(idf))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    x = sp.csr_matrix(sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ x)
    order = sorted(range(n), key=lambda i: (bucket(keys[i], 1 << 32, salt=f"topics{seed}", digest="sha256"), i))
    centres = x[order[:k]].toarray()
    assigned = np.full(n, -1)
    for _ in range(CLUSTER_ROUNDS):
        fresh = np.asarray(x @ centres.T).argmax(axis=1)
        if np.array_equal(fresh, assigned):
            break
        assigned = fresh
        for j in range(k):
            members = assigned == j
            if members.any():
                total = np.asarray(x[members].sum(axis=0)).ravel()
                size = float(np.sqrt(total @ total))
                if size > 0:
                    centres[j] = total / size
    return [f"cluster{j}" for j in assigned.tolist()]


def topic_balanced_weights(topics: Sequence[str], labels: np.ndarray, cap: float = WEIGHT_CAP) -> np.ndarray:
    """Sample weights under which, within each topic, misinformation and the rest weigh the same (each within
    ``cap`` of 1; a topic with one class only keeps weight 1), then each class is scaled to half of the total
    (so every topic with both classes has the same ratio of the two); they average 1."""
    if len(topics) == 0:
        return np.ones(0)
    cells: dict[tuple[str, int], int] = {}
    sizes: dict[str, int] = {}
    for topic, label in zip(topics, labels.tolist(), strict=True):
        cells[(topic, label)] = cells.get((topic, label), 0) + 1
        sizes[topic] = sizes.get(topic, 0) + 1
    weights = np.ones(len(topics))
    for i, (topic, label) in enumerate(zip(topics, labels.tolist(), strict=True)):
        if (topic, 1 - label) in cells:
            weights[i] = float(np.clip(sizes[topic] / (2 * cells[(topic, label)]), 1 / cap, cap))
    for label in (0, 1):
        mask = labels == label
        if mask.any():
            weights[mask] *= 0.5 * len(labels) / weights[mask].sum()
    return weights
