"""Benchmark the shared ONNX encoder against the PyTorch encoders it replaces: quality and speed, same run.

* Claims: F1 and average precision of the shipped cascade on the ClaimBuster held-out rows (hash split
  ``test``, never fitted on), the second stage's features from the ONNX encoder (after) and from the
  PyTorch int8 encoder the head was trained with (before).
* Fact-checks: MAP@5 on CheckThat! 2020 Task 2 dev (197 queries, 10,373 verified claims), hybrid
  retrieval; after: the ONNX encoder for records and queries; before: PyTorch full precision for records
  and its int8 copy for queries.  The store is built afresh (no embedding cache).
* Speed: sentences per second on one core (one thread) over 2,000 ClaimBuster sentences, batch 32:
  retrieval embeddings (ONNX int8 against sentence-transformers full precision and int8) and claims
  features (ONNX against PyTorch int8).

Needs the ``train`` extra (the "before" side is PyTorch).  Run: ``.venv/bin/python bench/encoder.py``.
Writes ``bench/results/encoder.json``.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "claims"
RESULTS = ROOT / "bench" / "results" / "encoder.json"
sys.path.insert(0, str(Path(__file__).parent))


class TorchRetrieval:
    """The retrieval encoder before: sentence-transformers, full precision for records, int8 for queries."""

    def __init__(self, model_id: str, adapter: Any) -> None:
        from factsift.encoder.reference import reference_model
        from factsift.factchecks.reranker import quantised_in_place

        self.model_id, self.adapter, self.reranker = model_id, adapter, None
        self.model = reference_model()
        self.query_model = quantised_in_place(copy.deepcopy(self.model))

    def encode(self, texts: list[str], *, batch_size: int = 64) -> Any:
        """Full-precision unit vectors of stored texts."""
        return self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)

    def encode_queries(self, texts: list[str], *, adapt: bool = True) -> Any:
        """Int8 unit vectors of cleaned queries, through the adapter."""
        from factsift.factchecks.adapter import apply
        from factsift.factchecks.terms import clean_query

        vectors = self.query_model.encode(
            [clean_query(t) for t in texts], batch_size=16, normalize_embeddings=True, show_progress_bar=False
        ).astype(np.float32)
        return apply(self.adapter, vectors) if adapt and self.adapter is not None else vectors


def claims_quality() -> dict[str, Any]:
    from claims import claimbuster  # bench/claims.py
    from factsift.claims import classifier
    from factsift.claims.encoder import bundled_features, read_tuned
    from factsift.claims.finetune import build
    from factsift.encoder.reference import reference_model

    model = classifier.shipped()
    onnx_features = bundled_features(model.layers_file)
    reference = reference_model()
    assert model.layers_file is not None
    torch_features = build(reference[0].auto_model, copy.deepcopy(reference.tokenizer), read_tuned(model.layers_file))
    out = {
        "before_pytorch_int8": claimbuster(model, torch_features),
        "after_onnx_int8": claimbuster(model, onnx_features),
    }
    print("claims", json.dumps(out), flush=True)
    return out


def factcheck_quality() -> dict[str, Any]:
    from factsift.factchecks.calibration import load_calibration
    from factsift.factchecks.datasets import load_checkthat2020
    from factsift.factchecks.embeddings import load_bundled
    from factsift.factchecks.training import build_store, metrics, rank_queries

    after = load_bundled()
    assert after is not None
    before = TorchRetrieval(after.model_id, after.adapter)
    dataset = load_checkthat2020(DATA / "checkthat2020_t2", "dev")
    calibration = load_calibration()
    out: dict[str, Any] = {"set": "CheckThat! 2020 Task 2 dev, hybrid"}
    with tempfile.TemporaryDirectory() as folder:
        for name, encoder in (("before_pytorch", before), ("after_onnx", after)):
            started = time.perf_counter()
            store = build_store(dataset, Path(folder) / f"{name}.db", encoder)  # type: ignore[arg-type]
            built = time.perf_counter() - started
            out[name] = {**metrics(rank_queries(store, dataset, encoder, calibration)), "store_build_s": round(built)}  # type: ignore[arg-type]
            store.close()
            print("factchecks", name, out[name], flush=True)
    return out


def _rate(encode: Any, texts: list[str]) -> float:
    encode(texts[:64])
    started = time.process_time()
    encode(texts)
    return round(len(texts) / (time.process_time() - started), 1)


def speed() -> dict[str, Any]:
    import torch

    from factsift.claims import classifier, dataset
    from factsift.claims.encoder import bundled_features, read_tuned
    from factsift.claims.finetune import build
    from factsift.encoder.reference import reference_model
    from factsift.encoder.runtime import shared_encoder
    from factsift.factchecks.reranker import quantised_in_place

    torch.set_num_threads(1)
    texts = [e.text for e in dataset.load(DATA / "claimbuster" / "train.json")][::4][:2000]
    reference = reference_model()
    int8 = quantised_in_place(copy.deepcopy(reference))
    onnx = shared_encoder()
    assert onnx is not None
    model = classifier.shipped()
    assert model.layers_file is not None
    torch_features = build(reference[0].auto_model, copy.deepcopy(reference.tokenizer), read_tuned(model.layers_file))
    onnx_features = bundled_features(model.layers_file)
    assert onnx_features is not None

    def st(m: Any) -> Any:
        return lambda t: m.encode(t, batch_size=32, normalize_embeddings=True, show_progress_bar=False)

    out = {
        "sentences": len(texts),
        "mean_words": round(sum(len(t.split()) for t in texts) / len(texts), 1),
        "measure": "sentences per CPU second, one thread, batch 32",
        "retrieval_before_pytorch_fp32": _rate(st(reference), texts),
        "retrieval_before_pytorch_int8": _rate(st(int8), texts),
        "retrieval_after_onnx_int8": _rate(lambda t: onnx.embed(t), texts),
        "claims_features_before_pytorch_int8": _rate(torch_features.features, texts),
        "claims_features_after_onnx_int8": _rate(onnx_features.features, texts),
    }
    print("speed", json.dumps(out), flush=True)
    return out


def main() -> None:
    results = {"speed": speed(), "claims": claims_quality(), "factchecks": factcheck_quality()}
    results["machine"] = {"load_average_1min_at_end": round(os.getloadavg()[0], 2)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
