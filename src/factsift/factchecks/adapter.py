"""A learned linear map on query embeddings that moves a tweet or an article's sentence towards the way
fact-checkers phrase the claim they reviewed.

The stored claims keep their plain all-MiniLM-L6-v2 vectors; only the query vector is multiplied by a
384x384 matrix ``W`` (started at the identity, kept near it by a penalty) and re-normalised.  ``W`` is
fitted on labelled (query, verified claim) pairs with a softmax over every stored claim (the other
claims are the negatives).  The shipped one (``data/query_adapter.npz``, float16) was fitted on
CheckThat! 2020 Task 2 train by ``factsift train factchecks``; it belongs to one embedding model and is
ignored for any other.  Loaded without pickle.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from factsift.factchecks.store import Matrix

PENALTY = 0.1  # weight of ||W - I||^2; chosen by 5-fold cross-validation on CheckThat! 2020 train
TEMPERATURE = 0.05
STEPS = 200
LEARNING_RATE = 1e-3


def apply(weights: Matrix, vectors: Matrix) -> Matrix:
    """Map query vectors (rows) through ``weights`` and bring them back to unit length."""
    mapped = np.asarray(vectors @ weights, dtype=np.float32)
    norms = np.linalg.norm(mapped, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: Matrix = mapped / norms
    return result


def fit(queries: Matrix, targets: npt.NDArray[np.int64], documents: Matrix, *, seed: int = 0) -> Matrix:
    """Fit ``W`` so that each query's nearest document is its target (softmax over all ``documents``).

    ``queries``: one unit vector per (query, gold claim) pair; ``targets``: the row of the gold claim in
    ``documents``.  Needs torch (the embeddings extra).
    """
    import torch

    torch.manual_seed(seed)
    size = queries.shape[1]
    identity = torch.eye(size)
    weights = torch.eye(size, requires_grad=True)
    optimiser = torch.optim.Adam([weights], lr=LEARNING_RATE)
    q = torch.from_numpy(np.ascontiguousarray(queries, dtype=np.float32))
    d = torch.from_numpy(np.ascontiguousarray(documents, dtype=np.float32))
    t = torch.from_numpy(np.asarray(targets, dtype=np.int64))
    for _ in range(STEPS):
        mapped = torch.nn.functional.normalize(q @ weights, dim=1)
        loss = torch.nn.functional.cross_entropy(mapped @ d.T / TEMPERATURE, t)
        loss = loss + PENALTY * ((weights - identity) ** 2).sum()
        optimiser.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
    result: Matrix = weights.detach().numpy().astype(np.float32)
    return result


def save(path: Path, weights: Matrix, model_id: str) -> None:
    """Write ``W`` (float16: half the size, same ranking) with the id of the embedding model it belongs to."""
    np.savez_compressed(path, weights=weights.astype(np.float16), model_id=np.array(model_id))


def _read(source: Path) -> tuple[str, Matrix]:
    with np.load(source, allow_pickle=False) as data:
        return str(data["model_id"]), data["weights"].astype(np.float32)


@functools.cache
def _shipped() -> tuple[str, Matrix] | None:
    ref = resources.files("factsift.factchecks").joinpath("data/query_adapter.npz")
    return _read(Path(str(ref))) if ref.is_file() else None


def load_adapter(model_id: str, path: Path | None = None) -> Matrix | None:
    """The adapter for ``model_id``: the user's file at ``path`` (``[factchecks] adapter``, written by
    ``factsift train factchecks``; "off" for none), else the shipped one (loaded once per process); or None."""
    if path is not None and path.name.lower() in {"off", "none"}:
        return None
    loaded = _read(path) if path is not None else _shipped()
    if loaded is None or loaded[0] != model_id:
        return None
    return loaded[1]
