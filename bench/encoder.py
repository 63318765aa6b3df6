"""Benchmark the shared ONNX encoder against the PyTorch encoders it replaces: quality and speed, same run.

* Claims: F1 and average precision of the shipped cascade on the ClaimBuster held-out rows (hash split
  ``test``, never fitted on), the second stage's features from the ONNX encoder (after) and from the
  PyTorch int8 encoder the head was trained with (before).
* Fact-checks: MAP@5 on CheckThat! 2020 Task 2 dev (197 queries, 10,373 verified claims), hybrid
  retrieval; after: the ONNX encoder for records and queries; before: PyTorch full precision for records
  and its int8 copy for queries.  The store is built afresh (no embedding cache).
  The ONNX side runs twice: records and queries one per encoder run, as shipped (``RECORD_BATCH``), and in
  mixed batches of 64 records / 16 queries as before (int8 activation scales are per run, so batching moved
  every vector); the store build's CPU time of each is the import cost of encoding.
* Speed: sentences per second on one core (one thread) over 2,000 ClaimBuster sentences, batch 32:
  retrieval embeddings (ONNX int8 against sentence-transformers full precision and int8) and claims
  features (ONNX against PyTorch int8); and ONNX retrieval embeddings one sentence per run (as records are).

Needs the ``train`` extra (the "before" side is PyTorch).  Run: ``.venv/bin/python bench/encoder.py``;
``--parts factchecks,speed`` runs only those parts and ``--onnx-only`` skips the PyTorch sides (both keep the
other figures of ``bench/results/encoder.json``, which it writes).
"""

from __future__ import annotations

import argparse
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


def _batched_onnx(encoder: Any) -> Any:
    """The ONNX retrieval encoder as it was before ``RECORD_BATCH``: records in runs of 64, queries of 16."""
    from factsift.factchecks.adapter import apply
    from factsift.factchecks.embeddings import Encoder
    from factsift.factchecks.terms import clean_query

    class Batched(Encoder):
        """Mixed-length batches in one encoder run (each run's int8 scales then depend on its batch)."""

        def encode(self, texts: list[str], *, batch_size: int = 64) -> Any:
            return self.model.embed(texts, batch_size=batch_size)

        def encode_queries(self, texts: list[str], *, adapt: bool = True) -> Any:
            vectors = self.model.embed([clean_query(t) for t in texts], batch_size=16)
            return apply(self.adapter, vectors) if adapt and self.adapter is not None and len(vectors) else vectors

    return Batched(encoder.model_id, encoder.model, encoder.adapter, encoder.reranker)


def factcheck_quality(onnx_only: bool) -> dict[str, Any]:
    from factsift.factchecks.calibration import load_calibration
    from factsift.factchecks.datasets import load_checkthat2020
    from factsift.factchecks.embeddings import load_bundled
    from factsift.factchecks.training import build_store, metrics, rank_queries

    after = load_bundled()
    assert after is not None
    sides: list[tuple[str, Any]] = []
    if not onnx_only:
        sides.append(("before_pytorch", TorchRetrieval(after.model_id, after.adapter)))
    sides += [("after_onnx_batched_64", _batched_onnx(after)), ("after_onnx", after)]
    dataset = load_checkthat2020(DATA / "checkthat2020_t2", "dev")
    calibration = load_calibration()
    out: dict[str, Any] = {"set": "CheckThat! 2020 Task 2 dev, hybrid"}
    with tempfile.TemporaryDirectory() as folder:
        for name, encoder in sides:
            started, cpu = time.perf_counter(), time.process_time()
            store = build_store(dataset, Path(folder) / f"{name}.db", encoder)
            built, built_cpu = time.perf_counter() - started, time.process_time() - cpu
            out[name] = {
                **metrics(rank_queries(store, dataset, encoder, calibration)),
                "store_build_s": round(built),
                "store_build_cpu_s": round(built_cpu, 1),
            }
            store.close()
            print("factchecks", name, out[name], flush=True)
    return out


def _rate(encode: Any, texts: list[str]) -> float:
    encode(texts[:64])
    started = time.process_time()
    encode(texts)
    return round(len(texts) / (time.process_time() - started), 1)


def onnx_speed() -> dict[str, Any]:
    """ONNX retrieval embeddings per CPU second, batches of 32 and one sentence per run (as records now are)."""
    from factsift.claims import dataset
    from factsift.encoder.runtime import shared_encoder

    texts = [e.text for e in dataset.load(DATA / "claimbuster" / "train.json")][::4][:2000]
    onnx = shared_encoder()
    assert onnx is not None
    return {
        "retrieval_after_onnx_int8": _rate(lambda t: onnx.embed(t), texts),
        "retrieval_after_onnx_int8_one_per_run": _rate(lambda t: onnx.embed(t, batch_size=1), texts),
    }


def speed(onnx_only: bool) -> dict[str, Any]:
    if onnx_only:
        return onnx_speed()
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
        **onnx_speed(),
        "claims_features_before_pytorch_int8": _rate(torch_features.features, texts),
        "claims_features_after_onnx_int8": _rate(onnx_features.features, texts),
    }
    print("speed", json.dumps(out), flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="speed,claims,factchecks", help="comma-separated parts to run")
    parser.add_argument("--onnx-only", action="store_true", help="skip the PyTorch sides (keep their last figures)")
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if unknown := parts - {"speed", "claims", "factchecks"}:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    if args.onnx_only and "claims" in parts:
        parser.error("the claims part compares the two encoders' features: run it without --onnx-only")
    results: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    if "speed" in parts:
        results["speed"] = {**results.get("speed", {}), **speed(args.onnx_only)}
    if "claims" in parts:
        results["claims"] = claims_quality()
    if "factchecks" in parts:
        results["factchecks"] = {**results.get("factchecks", {}), **factcheck_quality(args.onnx_only)}
    results["machine"] = {"load_average_1min_at_end": round(os.getloadavg()[0], 2)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
