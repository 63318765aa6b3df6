"""Benchmark the stores on SQLite and PostgreSQL side by side, in one run on one machine.

For each backend:

* Quality: MAP@5 (and MAP@1, recall@5, MRR) of fact-check retrieval on CLEF CheckThat! 2020 Task 2
  **dev**, BM25 alone and hybrid (BM25 + the int8 all-MiniLM-L6-v2 encoder): the same figures on both
  backends show that PostgreSQL retrieves exactly as SQLite does (dev was scored once more here; the
  held-out test queries are not in shared data).
* Import: 100,000 reviews (the real claims and headlines of CheckThat! 2020 and 2021 plus variants, as in
  ``bench/factchecks.py``) written in one transaction, as reviews per second.
* Search: p50/p95 of ``retrieve`` over those 100,000 reviews (300 CheckThat! 2020 train queries), BM25
  and hybrid (stored vectors are random unit vectors: a dense search costs the same whatever they are).
* Web: analyses per second through ``factsift serve`` (200 short articles, 4 clients at a time), with 1
  and 2 server processes; SQLite serves with one process whatever ``--workers`` says (it is reported).

PostgreSQL is a throwaway cluster started for the run (``tests/pgcluster.py``: Debian's ``postgresql``,
fsync off, unix socket) unless ``FACTSIFT_BENCH_POSTGRES`` names a database URL.  The machine is shared
(2 cores): compare the backends within this run, as ratios, not with other runs.

Run: ``nice -n 10 .venv/bin/python bench/store.py``.  Writes ``bench/results/store.json``.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / ".." / "shared" / "data" / "claims"
RESULTS = ROOT / "bench" / "results" / "store.json"
CACHE = Path(tempfile.gettempdir()) / "factsift-fc-cache"  # claim embeddings between runs (as bench/factchecks.py)
REVIEWS = 100_000
QUERIES = 300
ANALYSES = 200
CLIENTS = 4


def quality(db: str, encoder: Any) -> dict[str, Any]:
    """MAP@5 and friends on CheckThat! 2020 T2 dev, BM25 and hybrid, with the store at ``db``."""
    from factsift.factchecks.calibration import load_calibration
    from factsift.factchecks.datasets import load_checkthat2020
    from factsift.factchecks.training import build_store, metrics, rank_queries

    dataset = load_checkthat2020(DATA / "checkthat2020_t2", "dev")
    store = build_store(dataset, db, encoder, cache=CACHE)  # type: ignore[arg-type]
    try:
        return {
            mode: metrics(rank_queries(store, dataset, enc, load_calibration()))
            for mode, enc in (("bm25", None), ("hybrid", encoder))
        }
    finally:
        store.close()


def _reviews() -> list[Any]:
    """100,000 reviews: the real claims and headlines of both CheckThat! sets, then numbered variants."""
    from factsift.factchecks.datasets import load_checkthat2020, load_checkthat2021
    from factsift.factchecks.records import Review

    base = load_checkthat2020(DATA / "checkthat2020_t2", "dev").reviews
    base += load_checkthat2021(DATA / "checkthat2021_t2b", "dev").reviews
    reviews = []
    for number in range(REVIEWS):
        review, variant = base[number % len(base)], number // len(base)
        suffix = "" if variant == 0 else f" (variant {variant})"
        reviews.append(
            Review(
                id=f"{review.id}~{variant}",
                claim_reviewed=review.claim_reviewed + suffix,
                verdict=review.verdict,
                title=review.title,
            )
        )
    return reviews


def import_and_search(db: str, reviews: list[Any], encoder: Any) -> dict[str, Any]:
    """Import rate of 100,000 reviews, then search latency over them, BM25 and hybrid."""
    from factsift.factchecks.datasets import load_checkthat2020
    from factsift.factchecks.importer import write_records
    from factsift.factchecks.retrieval import retrieve
    from factsift.factchecks.store import open_store, title_key

    store = open_store(db)
    started = time.perf_counter()
    with store.transaction():
        write_records(store, reviews)
    seconds = time.perf_counter() - started
    out: dict[str, Any] = {"reviews": len(reviews), "import_seconds": round(seconds, 2)}
    out["import_reviews_per_second"] = round(len(reviews) / seconds)
    rng = np.random.default_rng(0)
    for key, ids in (
        (encoder.model_id, [r.id for r in reviews]),
        (title_key(encoder.model_id), [r.id for r in reviews if r.title]),
    ):
        for start in range(0, len(ids), 10_000):
            chunk = rng.standard_normal((len(ids[start : start + 10_000]), 384)).astype(np.float32)
            chunk /= np.linalg.norm(chunk, axis=1, keepdims=True)
            store.put_embeddings(key, ids[start : start + 10_000], chunk)
    queries = list(load_checkthat2020(DATA / "checkthat2020_t2", "train").queries.values())[:QUERIES]
    for mode, enc in (("bm25", None), ("hybrid", encoder)):
        started = time.perf_counter()
        retrieve(store, queries[0], encoder=enc)  # loads the index and vectors into this process
        out[f"{mode}_first_query_ms"] = round((time.perf_counter() - started) * 1000, 1)
        times = []
        for query in queries:
            started = time.perf_counter()
            retrieve(store, query, k=5, encoder=enc)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out[f"{mode}_p50_ms"] = round(statistics.median(times), 2)
        out[f"{mode}_p95_ms"] = round(times[int(0.95 * len(times)) - 1], 2)
    store.close()
    return out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def web_rate(db: str, workers: int, tmp: Path) -> dict[str, Any]:
    """Analyses per second through ``factsift serve --workers N`` at ``db`` (a fresh database)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "factsift", "serve", "--db", db, "--port", str(port), "--rate-limit", "0"]
    command += ["--fast", "--workers", str(workers)]
    log = (tmp / f"serve-{port}.log").open("wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)

        def analyse(number: int) -> int:
            text = (
                f"Story {number}: the council of town {number} voted on Tuesday to repair the harbour bridge. "
                f"The work on bridge {number} will cost {number + 2} million dollars, the finance office said."
            )
            return httpx.post(f"{base}/api/v1/analyses", json={"text": text}, timeout=120).status_code

        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(analyse, range(-2 * CLIENTS * workers, 0)))  # warm every process up
            started = time.perf_counter()
            statuses = list(pool.map(analyse, range(ANALYSES)))
            seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    one_process = b"serving with one process" in (tmp / f"serve-{port}.log").read_bytes()
    return {
        "workers_asked": workers,
        "processes": 1 if one_process else workers,
        "analyses": len(statuses),
        "created": statuses.count(201),
        "analyses_per_second": round(len(statuses) / seconds, 1),
    }


def main() -> int:
    from factsift.factchecks.embeddings import load_bundled
    from factsift.postgres import close_pools

    encoder = load_bundled()
    cluster = None
    postgres = os.environ.get("FACTSIFT_BENCH_POSTGRES")
    if postgres is None:
        from tests.pgcluster import start_cluster

        cluster = start_cluster()
    results: dict[str, Any] = {"reviews": REVIEWS, "queries": QUERIES, "web_analyses": ANALYSES, "clients": CLIENTS}
    try:
        import psycopg

        reviews = _reviews()
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            for backend in ("sqlite", "postgresql"):

                def database(name: str, backend: str = backend) -> str:
                    """A fresh database of this backend called ``name``."""
                    if backend == "sqlite":
                        return str(tmp / f"{name}.db")
                    url = postgres or cluster.url()  # type: ignore[union-attr]
                    with psycopg.connect(url, autocommit=True) as admin:
                        admin.execute(f"CREATE SCHEMA {name}")
                    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{name}"

                figures: dict[str, Any] = {"quality_checkthat2020_dev": quality(database("quality"), encoder)}
                print(backend, "quality", figures["quality_checkthat2020_dev"], flush=True)
                figures["store_100k"] = import_and_search(database("latency"), reviews, encoder)
                print(backend, "100k", figures["store_100k"], flush=True)
                figures["web"] = [web_rate(database(f"web{n}"), n, tmp) for n in (1, 2)]
                print(backend, "web", figures["web"], flush=True)
                results[backend] = figures
                close_pools()
    finally:
        if cluster is not None:
            cluster.stop()
    sqlite, pg = results["sqlite"], results["postgresql"]
    results["postgresql_over_sqlite"] = {
        "import_rate": round(
            pg["store_100k"]["import_reviews_per_second"] / sqlite["store_100k"]["import_reviews_per_second"], 2
        ),
        "bm25_p95": round(pg["store_100k"]["bm25_p95_ms"] / sqlite["store_100k"]["bm25_p95_ms"], 2),
        "hybrid_p95": round(pg["store_100k"]["hybrid_p95_ms"] / sqlite["store_100k"]["hybrid_p95_ms"], 2),
        "web_1_process": round(pg["web"][0]["analyses_per_second"] / sqlite["web"][0]["analyses_per_second"], 2),
        "web_2_processes": round(pg["web"][1]["analyses_per_second"] / sqlite["web"][1]["analyses_per_second"], 2),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["postgresql_over_sqlite"]), f"-> {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
