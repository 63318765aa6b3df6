"""The learned query adapter: fitting, saving, loading for the right model only, and its use by the encoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from factsift.config import config_at_edge
from factsift.factchecks import adapter


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_apply_keeps_unit_length_and_identity_changes_nothing() -> None:
    vectors = _unit(np.random.default_rng(1).standard_normal((4, 8)))
    assert np.allclose(adapter.apply(np.eye(8, dtype=np.float32), vectors), vectors, atol=1e-6)
    mapped = adapter.apply(np.random.default_rng(2).standard_normal((8, 8)).astype(np.float32), vectors)
    assert np.allclose(np.linalg.norm(mapped, axis=1), 1.0, atol=1e-5)


@pytest.mark.train  # fitting uses PyTorch (the train extra)
def test_fit_pulls_queries_to_their_targets() -> None:
    """Documents and queries live in different directions; after fitting, each query's nearest is its target."""
    rng = np.random.default_rng(0)
    documents = _unit(rng.standard_normal((40, 16)))
    rotation = np.linalg.qr(rng.standard_normal((16, 16)))[0].astype(np.float32)
    targets = np.arange(40)
    queries = _unit(documents @ rotation.T + 0.05 * rng.standard_normal((40, 16)))
    before = np.mean(np.argmax(queries @ documents.T, axis=1) == targets)
    weights = adapter.fit(queries, targets, documents)
    after = np.mean(np.argmax(adapter.apply(weights, queries) @ documents.T, axis=1) == targets)
    assert after > before + 0.3


def test_saved_adapter_is_used_for_its_model_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    weights = np.eye(4, dtype=np.float32) * 2
    path = tmp_path / "a.adapter.npz"
    adapter.save(path, weights, "model-a@123")
    loaded = adapter.load_adapter("model-a@123", path)
    assert loaded is not None and np.allclose(loaded, weights)
    assert adapter.load_adapter("model-b@456", path) is None
    assert adapter.load_adapter("model-a@123", Path("off")) is None
    monkeypatch.setenv("FACTSIFT_FACTCHECK_ADAPTER", str(path))  # read at the edge, into the section
    assert config_at_edge().factchecks.adapter == path


def test_shipped_adapter_belongs_to_the_bundled_model(encoder: object) -> None:
    from factsift.factchecks.embeddings import Encoder

    assert isinstance(encoder, Encoder)
    assert encoder.adapter is not None and encoder.adapter.shape == (384, 384)
    text = ["The United States and Russia carried out joint air strikes in Syria"]
    plain, adapted = encoder.encode_queries(text, adapt=False), encoder.encode_queries(text)
    assert 0.5 < float(plain[0] @ adapted[0]) < 0.9999
