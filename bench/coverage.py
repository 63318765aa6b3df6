"""Benchmark coverage search over a large archive of synthetic articles, on one core.

* **Add rate**: synthetic articles (title, five claims, a short body; 2,000 outlets over three years) added
  to a SQLite archive in batches of 1,000, without re-analysis, as articles per second; their int8
  vectors (random unit vectors: a search costs the same whatever they are) stored with ``put_vectors``.
* **Index**: :class:`factsift.archive.index.ArchiveIndex` filled from ``index_rows``: build time, the bytes
  of its arrays, and the process's resident-memory growth, both scaled to a million articles.
* **Coverage**: p50/p95 per article of :meth:`CoverageFinder.find` (what the ``coverage`` stage does after
  the archive is current): the headline and ten claims, each retrieved in a ±7-day window, the first ones
  re-ranked with the shared encoder's query vectors (``DENSE_QUERIES``), and the stance of every
  candidate's passage.  Reported with the query encoding; after fact-check matching (as in the pipeline:
  that stage encoded the first claims one per run, and the encoder remembers them, so only the headline is
  encoded here); without any (the same search handed precomputed query vectors); and BM25 retrieval alone.
* **Index choice**: p50/p95 of one query's lexical retrieval in a ±7-day window, other outlets only, over
  the first ``--compare`` articles: the date-sliced index, SQLite FTS5 (``bm25()`` with a date filter), the
  fact-check store's in-memory BM25 (:mod:`factsift.factchecks.lexical`, whole archive, then filtered) and
  bm25s / tantivy when installed (neither is a dependency; the run says so when they are missing).

Run: ``nice -n 10 .venv/bin/python bench/coverage.py --articles 1000000`` (about 15-25 minutes, most of
it adding and indexing); ``--articles 50000`` for a quick check.  ``--db FILE`` keeps the archive; run again
with the same ``--db`` and ``--compare 0`` to re-time the search only (the add and index-choice figures of
the run that filled it are kept).  Writes ``bench/results/coverage.json``.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import itertools
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: before numpy loads its BLAS
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("FACTSIFT_ENCODER_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from factsift.archive.index import ArchiveIndex, quantise  # noqa: E402
from factsift.archive.store import KeptArticle, open_article_archive  # noqa: E402
from factsift.coverage.search import CoverageFinder, CoverageQuery, date_window  # noqa: E402
from factsift.factchecks.embeddings import RECORD_BATCH  # noqa: E402
from factsift.factchecks.stage import DENSE_QUERIES as FACTCHECK_DENSE_QUERIES  # noqa: E402
from factsift.factchecks.terms import clean_query, query_terms  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "coverage.json"
OUTLETS = 2_000
DAYS = 3 * 365
FIRST_DAY = datetime.date(2016, 1, 1)
TOPICS = 400
DIM = 384
BATCH = 1_000
#: Words of the synthetic language: topic words (shared by a topic's articles) and common words.
COMMON = [f"w{i}" for i in range(5_000)]
#: Common words follow Zipf's law (the 1st is 5,000 times as frequent as the 5,000th), as words in news do.
COMMON_WEIGHTS = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(COMMON))))
SEARCHES = 200
TARGET_MS = 50.0
TARGET_ADD_RATE = 500.0


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timing(values: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    return {"p50_ms": round(statistics.median(values), 3), "p95_ms": round(percentile(values, 0.95), 3)}


def topic_words(topic: int) -> list[str]:
    """The twenty words of a topic."""
    return [f"t{topic}x{j}" for j in range(20)]


def sentence(rng: random.Random, topic: int, words: int) -> str:
    """A synthetic sentence: half topic words, half common words, with a full stop."""
    common = rng.choices(COMMON, cum_weights=COMMON_WEIGHTS, k=words)
    chosen = [rng.choice(topic_words(topic)) if rng.random() < 0.5 else common[i] for i in range(words)]
    return " ".join(chosen).capitalize() + "."


def synthetic(count: int, seed: int = 1) -> Iterator[KeptArticle]:
    """``count`` synthetic articles spread over :data:`DAYS` days and :data:`OUTLETS` outlets."""
    rng = random.Random(seed)
    for i in range(count):
        topic = rng.randrange(TOPICS)
        claims = tuple(sentence(rng, topic, 12) for _ in range(5))
        outlet = f"outlet{rng.randrange(OUTLETS)}.example"
        day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        yield KeptArticle(
            id=f"s{i}",
            url=f"https://{outlet}/{i}",
            outlet=outlet,
            outlet_label=rng.choice(["reliable", "mixed", "unreliable", None]),
            outlet_score=None,
            published=day.isoformat(),
            title=sentence(rng, topic, 8).rstrip("."),
            text=" ".join(claims) + " " + sentence(rng, topic, 20),
            claims=claims,
        )


def fill(db: str, count: int) -> dict[str, Any]:
    """Add ``count`` synthetic articles, then their vectors; the add rate and the vector rate."""
    archive = open_article_archive(db)
    rng = np.random.default_rng(7)
    added_seconds = vector_seconds = 0.0
    batch: list[KeptArticle] = []
    for article in synthetic(count):
        batch.append(article)
        if len(batch) == BATCH:
            added_seconds += timed_add(archive, batch)
            vector_seconds += timed_vectors(archive, batch, rng)
            batch = []
    if batch:
        added_seconds += timed_add(archive, batch)
        vector_seconds += timed_vectors(archive, batch, rng)
    archive.close()
    return {
        "articles": count,
        "add_seconds": round(added_seconds, 1),
        "add_rate_per_s": round(count / added_seconds, 1),
        "vectors_rate_per_s": round(count / vector_seconds, 1),
        "target_add_rate_per_s": TARGET_ADD_RATE,
    }


def timed_add(archive: Any, batch: list[KeptArticle]) -> float:
    """Seconds to add one batch."""
    started = time.perf_counter()
    archive.add(batch)
    return time.perf_counter() - started


def timed_vectors(archive: Any, batch: list[KeptArticle], rng: np.random.Generator) -> float:
    """Seconds to store random unit vectors (title and three claims) for one batch."""
    raw = rng.standard_normal((len(batch) * 4, DIM)).astype(np.float32)
    raw /= np.linalg.norm(raw, axis=1, keepdims=True)
    vectors = quantise(raw)
    started = time.perf_counter()
    archive.put_vectors(MODEL, [(a.id, vectors[4 * i : 4 * i + 4]) for i, a in enumerate(batch)])
    return time.perf_counter() - started


def resident_bytes() -> int:
    """The process's resident memory."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def build_index(db: str) -> tuple[ArchiveIndex, dict[str, Any]]:
    """The index filled from the archive, with its build time and memory (scaled to a million articles)."""
    archive = open_article_archive(db)
    before = resident_bytes()
    started = time.perf_counter()
    index = ArchiveIndex(MODEL)
    index.refresh(archive)
    arrays = index.memory_bytes()  # also folds every bucket in, as the first searches would
    seconds = time.perf_counter() - started
    grown = resident_bytes() - before
    archive.close()
    per_million = 1_000_000 / max(len(index), 1)
    return index, {
        "articles": len(index),
        "build_seconds": round(seconds, 1),
        "array_bytes_per_million": int(arrays * per_million),
        "resident_growth_bytes_per_million": int(grown * per_million),
    }


def query_article(rng: random.Random, articles: list[KeptArticle]) -> tuple[list[CoverageQuery], KeptArticle]:
    """An article to find coverage for: the headline and ten claims of two archived articles of one topic."""
    first, second = rng.sample(articles, 2)
    claims = [*first.claims, *second.claims][:10]
    queries = [CoverageQuery(None, first.title or ""), *[CoverageQuery(i, c) for i, c in enumerate(claims)]]
    return queries, first


class Precomputed:
    """An encoder whose answers were computed beforehand (to time the search without the query encoding)."""

    def __init__(self, model_id: str, vectors: dict[str, np.ndarray]) -> None:
        self.model_id = model_id
        self.vectors = vectors

    def embed(self, texts: list[str], *, batch_size: int = 1) -> np.ndarray:
        """The stored vectors of ``texts``."""
        return np.stack([self.vectors[clean_query(text)] for text in texts])


def coverage_timings(db: str, index: ArchiveIndex, count: int) -> dict[str, Any]:
    """p50/p95 of the coverage search per article, with and without query encoding, and BM25 alone."""
    from factsift.encoder.runtime import shared_encoder

    encoder = shared_encoder()
    if encoder is None:
        raise SystemExit("bench/coverage.py needs the embeddings extra: pip install -e '.[embeddings]'")
    archive = open_article_archive(db)
    rng = random.Random(3)
    sample = list(synthetic(min(count, 20_000)))
    cases = [query_article(rng, sample) for _ in range(SEARCHES)]
    texts = sorted({clean_query(q.text) for queries, _ in cases for q in queries})
    vectors = dict(zip(texts, encoder.embed(texts), strict=True))
    finders = {
        "with_query_encoding": CoverageFinder(archive, index, encoder),
        "after_factcheck_matching": CoverageFinder(archive, index, encoder),
        "without_query_encoding": CoverageFinder(archive, index, Precomputed(MODEL, vectors)),
    }
    finders["with_query_encoding"].find(*cases[0][:1], cases[0][1].published, cases[0][1].outlet, 7)  # warm up
    results: dict[str, Any] = {}
    found = 0
    for name, finder in finders.items():
        times = []
        encoder.remembered.clear()
        for queries, article in cases:
            if name == "after_factcheck_matching":  # in the pipeline, fact-check matching encoded the claims first
                claims = [q.text for q in queries if q.claim_index is not None][:FACTCHECK_DENSE_QUERIES]
                encoder.embed([clean_query(text) for text in claims], batch_size=RECORD_BATCH)
            started = time.perf_counter()
            matches, _ = finder.find(queries, article.published, article.outlet, 7)
            times.append((time.perf_counter() - started) * 1000)
            found += len(matches)
        results[name] = timing(times)
    bm25 = []
    for queries, article in cases:
        since, until = date_window(article.published, 7)
        started = time.perf_counter()
        index.search_many(
            [q.text for q in queries], [None] * len(queries), since=since, until=until, exclude_outlet=article.outlet
        )
        bm25.append((time.perf_counter() - started) * 1000)
    results["bm25_only_all_queries"] = timing(bm25)
    results["queries_per_article"] = len(cases[0][0])
    results["matches_listed_per_article"] = round(found / (len(finders) * len(cases)), 2)
    results["target_p95_ms"] = TARGET_MS
    archive.close()
    return results


def compare_indexes(db: str, count: int) -> dict[str, Any]:
    """One query's lexical retrieval in a ±7-day window over the first ``count`` articles, by engine."""
    articles = list(synthetic(count))
    rng = random.Random(5)
    cases = []
    for _ in range(SEARCHES):
        article = rng.choice(articles)
        cases.append((article.claims[0], article.outlet, *date_window(article.published, 7)))
    out: dict[str, Any] = {"articles": count}
    # the date-sliced in-process index
    index = ArchiveIndex(MODEL)
    archive = open_article_archive(db)
    for row in archive.index_rows(MODEL):
        if int(row.id[1:]) < count:
            index.add_row(row)
    archive.close()
    index.memory_bytes()  # folds every day's rows in, as the other engines are built before they are timed
    out["date_sliced_bm25"] = timed_queries(
        cases, lambda q, o, s, u: index.search(q, since=s, until=u, exclude_outlet=o, limit=5)
    )
    out["sqlite_fts5"] = fts5_timings(articles, cases)
    out["in_memory_bm25_whole_archive"] = in_memory_timings(articles, cases)
    out["bm25s"] = bm25s_timings(articles, cases)
    out["tantivy"] = (
        "not measured: tantivy is not installed (not a dependency; pip install tantivy to compare)"
        if importlib.util.find_spec("tantivy") is None
        else tantivy_timings(articles, cases)
    )
    return out


def timed_queries(cases: list[tuple[str, str | None, str | None, str | None]], run: Any) -> dict[str, float]:
    """p50/p95 of ``run(query, outlet, since, until)`` over the cases."""
    times = []
    for case in cases:
        started = time.perf_counter()
        run(*case)
        times.append((time.perf_counter() - started) * 1000)
    return timing(times)


def fts5_timings(articles: list[KeptArticle], cases: list[Any]) -> dict[str, float]:
    """SQLite FTS5 over titles and claims, ranked by ``bm25()``, filtered by date and outlet."""
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(Path(folder) / "fts.db")
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(words, outlet UNINDEXED, published UNINDEXED)")
        db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?)",
            ((f"{a.title} {' '.join(a.claims)}", a.outlet, a.published) for a in articles),
        )
        db.commit()

        def run(query: str, outlet: str | None, since: str | None, until: str | None) -> list[Any]:
            match = " OR ".join(f'"{t}"' for t in query_terms(query))
            return db.execute(
                "SELECT rowid FROM docs WHERE docs MATCH ? AND published BETWEEN ? AND ? AND outlet != ?"
                " ORDER BY bm25(docs) LIMIT 5",
                (match, since, until, outlet),
            ).fetchall()

        result = timed_queries(cases, run)
        db.close()
    return result


def in_memory_timings(articles: list[KeptArticle], cases: list[Any]) -> dict[str, float]:
    """The fact-check store's in-memory BM25 over the whole archive, its top 1,000 then filtered by date and outlet."""
    from factsift.factchecks.lexical import build_index as build_lexical

    lexical = build_lexical([(a.id, " ".join(a.claims), a.title) for a in articles])
    by_id = {a.id: a for a in articles}

    def run(query: str, outlet: str | None, since: str | None, until: str | None) -> list[str]:
        hits = lexical.search(query_terms(query), 1000)
        return [
            rid
            for rid, *_ in hits
            if by_id[rid].outlet != outlet and since <= (by_id[rid].published or "") <= (until or "")  # type: ignore[operator]
        ][:5]

    return timed_queries(cases, run)


def bm25s_timings(articles: list[KeptArticle], cases: list[Any]) -> dict[str, float] | str:
    """bm25s over the whole archive (its top 1,000 then filtered), when installed."""
    if importlib.util.find_spec("bm25s") is None:
        return "not measured: bm25s is not installed (not a dependency; pip install bm25s to compare)"
    import bm25s

    retriever = bm25s.BM25()
    texts = [query_terms(f"{a.title} {' '.join(a.claims)}") for a in articles]
    retriever.index(texts, show_progress=False)

    def run(query: str, outlet: str | None, since: str | None, until: str | None) -> list[int]:
        found, _ = retriever.retrieve([query_terms(query)], k=1000, show_progress=False)
        kept = [int(i) for i in found[0] if articles[int(i)].outlet != outlet]
        return [i for i in kept if (since or "") <= (articles[i].published or "") <= (until or "~")][:5]

    return timed_queries(cases, run)


def tantivy_timings(articles: list[KeptArticle], cases: list[Any]) -> dict[str, float]:
    """tantivy with a date range query and an outlet exclusion."""
    import tantivy

    schema = tantivy.SchemaBuilder()
    schema.add_text_field("words", stored=False)
    schema.add_text_field("outlet", stored=False, tokenizer_name="raw")
    schema.add_integer_field("day", indexed=True, fast=True)
    built = schema.build()
    with tempfile.TemporaryDirectory() as folder:
        index = tantivy.Index(built, path=folder)
        writer = index.writer()
        for a in articles:
            day = datetime.date.fromisoformat(a.published or "2000-01-01").toordinal()
            writer.add_document(tantivy.Document(words=f"{a.title} {' '.join(a.claims)}", outlet=a.outlet, day=day))
        writer.commit()
        index.reload()
        searcher = index.searcher()

        def run(query: str, outlet: str | None, since: str | None, until: str | None) -> Any:
            low = datetime.date.fromisoformat(since or "2000-01-01").toordinal()
            high = datetime.date.fromisoformat(until or "2100-01-01").toordinal()
            words = " OR ".join(query_terms(query))
            parsed = index.parse_query(f'({words}) AND day:[{low} TO {high}] AND NOT outlet:"{outlet}"', ["words"])
            return searcher.search(parsed, 5)

        return timed_queries(cases, run)


MODEL = "bench-random"


def main() -> None:
    """Fill an archive, index it, time coverage searches and the index choice; write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument(
        "--compare", type=int, default=100_000, help="articles in the index-choice comparison (0: keep the last)"
    )
    parser.add_argument("--db", type=Path, default=None, help="reuse (or keep) the archive at this path")
    parser.add_argument("--compare-only", action="store_true", help="with --db: re-run the index choice only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "archive.db"
        db = str(path)
        existing = path.is_file()
        earlier = json.loads(RESULTS.read_text(encoding="utf-8")) if existing and RESULTS.is_file() else {}
        if args.compare_only and existing:
            earlier["index_choice"] = compare_indexes(db, min(args.compare, args.articles))
            print("index choice:", earlier["index_choice"], flush=True)
            RESULTS.write_text(json.dumps(earlier, indent=2) + "\n", encoding="utf-8")
            return
        results: dict[str, Any] = {"machine": "shared 2-core machine, one process, one thread"}
        results["add"] = earlier.get("add", {"reused": str(path)}) if existing else fill(db, args.articles)
        print("add:", results["add"], flush=True)
        index, results["index"] = build_index(db)
        print("index:", results["index"], flush=True)
        results["coverage"] = coverage_timings(db, index, args.articles)
        print("coverage:", results["coverage"], flush=True)
        del index
        if args.compare:
            results["index_choice"] = compare_indexes(db, min(args.compare, args.articles))
        elif "index_choice" in earlier:
            results["index_choice"] = earlier["index_choice"]  # kept from the run that filled the archive
        print("index choice:", results.get("index_choice"), flush=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
