"""Benchmark the fact-check matcher: retrieval quality, import speed and query latency.

* Quality: MAP@1, MAP@5, recall@5 and MRR on CLEF CheckThat! 2020 Task 2 **dev** (the shipped score
  model and every setting were fitted or chosen on train only) and, out of domain with no tuning at all,
  CheckThat! 2021 Task 2B dev and train (debate sentences -> PolitiFact, 591 queries never used for
  anything else), with BM25 alone and hybrid (BM25 + all-MiniLM-L6-v2, the int8 ONNX encoder).
* Import: the 19,250 PolitiFact fact-checks of CheckThat! 2021 written out as a ClaimReview DataFeed,
  imported without embeddings into a new store (then re-imported: a no-op).
* Latency: p50/p95 of ``retrieve`` over a 100,000-review store on one core (torch limited to one
  thread), BM25 alone and hybrid, as wall time and as CPU time of the process (the machine is shared,
  so wall time includes waiting for a core).  The 100,000 reviews are the 29,623 real claims and
  headlines of both sets plus variants of them; the stored claim and title vectors for the latency test
  are random unit vectors (the cost of a dense search does not depend on their values) while queries
  are encoded for real (int8 query encoder).  The first query of a process also builds the in-memory
  BM25 index and loads the vectors: reported as ``cold_first_query_ms``.  When a cross-encoder re-ranker is
  in use (``FACTSIFT_FACTCHECK_RERANKER``, not shipped), its own CPU time over the top candidates is
  reported as ``reranker_cpu_p50_ms`` / ``reranker_cpu_p95_ms`` (and it is part of the hybrid times).

Run: ``.venv/bin/python bench/factchecks.py`` (the hybrid figures need ``pip install -e '.[embeddings]'``).
Writes ``bench/results/factchecks.json``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one core, as the latency target says

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".." / "shared" / "data" / "claims"
RESULTS = ROOT / "bench" / "results" / "factchecks.json"
CACHE = Path(tempfile.gettempdir()) / "factsift-fc-cache"  # claim embeddings between runs (not in the repo)
LATENCY_REVIEWS = 100_000
LATENCY_QUERIES = 300


def _encoder() -> Any:
    from factsift.factchecks.embeddings import load_bundled

    return load_bundled()


def quality(tmp: Path, encoder: Any) -> dict[str, Any]:
    from factsift.factchecks.calibration import load_calibration
    from factsift.factchecks.datasets import duplicate_groups, load_checkthat2020, load_checkthat2021
    from factsift.factchecks.training import build_store, collapse_duplicates, metrics, rank_queries

    calibration = load_calibration()
    out: dict[str, Any] = {"calibration_trained_on": calibration.trained_on}
    for name, loader, folder, split in (
        ("checkthat2020_t2_dev", load_checkthat2020, DATA / "checkthat2020_t2", "dev"),
        ("checkthat2021_t2b_dev", load_checkthat2021, DATA / "checkthat2021_t2b", "dev"),
        ("checkthat2021_t2b_train", load_checkthat2021, DATA / "checkthat2021_t2b", "train"),
    ):
        dataset = loader(folder, split)
        store = build_store(dataset, tmp / f"{name}.db", encoder, cache=CACHE)
        try:
            modes = [("bm25", None), ("hybrid", encoder)]
            for mode, enc in modes:
                if mode != "bm25" and enc is None:
                    continue
                ranked = rank_queries(store, dataset, enc, calibration)
                out[f"{name}/{mode}"] = metrics(ranked)
                print(f"{name:24s} {mode:6s} {out[f'{name}/{mode}']}", flush=True)
                if name == "checkthat2020_t2_dev" and mode == "hybrid":
                    key = f"{name}/{mode}_duplicates_collapsed"
                    out[key] = metrics(collapse_duplicates(ranked, duplicate_groups(dataset)))
                    print(f"{name:24s} {key.split('/')[1]} {out[key]}", flush=True)
        finally:
            store.close()
    return out


def _politifact_feed(path: Path) -> int:
    from factsift.factchecks.claimreview import review_to_jsonld
    from factsift.factchecks.datasets import load_checkthat2021

    dataset = load_checkthat2021(DATA / "checkthat2021_t2b", "dev")
    items = [{"@type": "DataFeedItem", "item": [review_to_jsonld(r)]} for r in dataset.reviews]
    path.write_text(json.dumps({"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": items}))
    return len(items)


def import_speed(tmp: Path) -> dict[str, Any]:
    from factsift.factchecks.importer import import_files

    feed = tmp / "politifact-claimreview.json"
    count = _politifact_feed(feed)
    db = tmp / "import.db"
    started = time.perf_counter()
    first = import_files([feed], db=db, embeddings=False)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    again = import_files([feed], db=db, embeddings=False)
    elapsed_again = time.perf_counter() - started
    result = {
        "file": "CheckThat! 2021 T2B PolitiFact fact-checks as a ClaimReview DataFeed",
        "records": count,
        "added": first.added,
        "skipped": first.skipped,
        "seconds": round(elapsed, 3),
        "reviews_per_second": round(count / elapsed),
        "reimport_seconds": round(elapsed_again, 3),
        "reimport_added_updated": [again.added, again.updated],
    }
    print(f"import: {result}", flush=True)
    return result


def _latency_store(tmp: Path, encoder: Any) -> tuple[Path, dict[str, Any]]:
    from factsift.factchecks.datasets import load_checkthat2020, load_checkthat2021
    from factsift.factchecks.importer import write_records
    from factsift.factchecks.records import Review
    from factsift.factchecks.store import open_store

    base = load_checkthat2020(DATA / "checkthat2020_t2", "dev").reviews
    base += load_checkthat2021(DATA / "checkthat2021_t2b", "dev").reviews
    reviews: list[Review] = []
    variant = 0
    while len(reviews) < LATENCY_REVIEWS:
        for review in base:
            if len(reviews) >= LATENCY_REVIEWS:
                break
            suffix = "" if variant == 0 else f" (variant {variant})"
            reviews.append(
                Review(
                    id=f"{review.id}~{variant}",
                    claim_reviewed=review.claim_reviewed + suffix,
                    verdict=review.verdict,
                    title=review.title,
                )
            )
        variant += 1
    db = tmp / "latency.db"
    store = open_store(db)
    started = time.perf_counter()
    with store.transaction():
        write_records(store, reviews)
    elapsed = time.perf_counter() - started
    info = {
        "reviews": len(reviews),
        "import_seconds": round(elapsed, 3),
        "reviews_per_second": round(len(reviews) / elapsed),
    }
    if encoder is not None:
        from factsift.factchecks.store import title_key

        rng = np.random.default_rng(0)
        for key, ids in (
            (encoder.model_id, [r.id for r in reviews]),
            (title_key(encoder.model_id), [r.id for r in reviews if r.title]),
        ):
            for start in range(0, len(ids), 10_000):
                chunk = rng.standard_normal((len(ids[start : start + 10_000]), 384)).astype(np.float32)
                chunk /= np.linalg.norm(chunk, axis=1, keepdims=True)
                store.put_embeddings(key, ids[start : start + 10_000], chunk)
    store.close()
    return db, info


def _clear_caches() -> None:
    from factsift.factchecks import sqlite_store

    sqlite_store._MATRIX_CACHE.clear()
    sqlite_store._LEXICAL_CACHE.clear()


def latency(tmp: Path, encoder: Any) -> dict[str, Any]:
    from factsift.factchecks.datasets import load_checkthat2020
    from factsift.factchecks.retrieval import retrieve
    from factsift.factchecks.store import open_store

    db, info = _latency_store(tmp, encoder)
    print(f"latency store: {info}", flush=True)
    queries = list(load_checkthat2020(DATA / "checkthat2020_t2", "train").queries.values())[:LATENCY_QUERIES]
    store = open_store(db)
    out: dict[str, Any] = {"store": info, "queries": len(queries)}
    try:
        for mode, enc in (("bm25", None), ("hybrid", encoder)):
            if mode == "hybrid" and enc is None:
                continue
            fresh = open_store(db)  # a new process's first query: builds the BM25 index, loads the vectors
            _clear_caches()
            started = time.perf_counter()
            retrieve(fresh, queries[0], encoder=enc)
            cold = (time.perf_counter() - started) * 1000
            fresh.close()
            times, cpu = [], []
            for query in queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                retrieve(store, query, k=5, encoder=enc)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            times.sort()
            cpu.sort()
            if enc is not None:
                encode_times = []
                for query in queries[:100]:
                    started = time.process_time()
                    enc.encode_queries([query])
                    encode_times.append((time.process_time() - started) * 1000)
                out["query_encoding_cpu_p50_ms"] = round(statistics.median(encode_times), 2)
                if enc.reranker is not None:  # the cross-encoder over the top candidates, on its own
                    from factsift.factchecks.calibration import load_calibration

                    top = load_calibration().rerank_top
                    rerank_times = []
                    for query in queries[:100]:
                        hits = retrieve(store, query, k=top, encoder=enc)
                        started = time.process_time()
                        enc.reranker.scores(query, [h.review for h in hits])
                        rerank_times.append((time.process_time() - started) * 1000)
                    rerank_times.sort()
                    out["reranker_cpu_p50_ms"] = round(statistics.median(rerank_times), 2)
                    out["reranker_cpu_p95_ms"] = round(rerank_times[94], 2)
            out[mode] = {
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(0.95 * len(times)) - 1], 2),
                "max_ms": round(times[-1], 2),
                "cpu_p50_ms": round(statistics.median(cpu), 2),
                "cpu_p95_ms": round(cpu[int(0.95 * len(cpu)) - 1], 2),
                "cold_first_query_ms": round(cold, 1),
            }
            print(f"latency {mode}: {out[mode]}", flush=True)
    finally:
        store.close()
    return out


def main() -> int:
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    encoder = _encoder()
    results: dict[str, Any] = {
        "embedding_model": encoder.model_id if encoder is not None else None,
        "targets": {"map_at_5": 0.90, "import_reviews_per_second": 2000, "query_p95_ms": 50},
    }
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        results["import"] = import_speed(tmp)
        results["latency_100k"] = latency(tmp, encoder)
        results["quality"] = quality(tmp, encoder)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
