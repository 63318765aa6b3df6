"""Benchmark ``factsift archive add`` of a batch output: articles kept per second without analysing again.

The input is a ``factsift batch`` JSONL output of 100,000 records.  Its reports are real: 40 BuzzFeed-Webis 2016
articles analysed once with every stage (fast mode), so each line carries a full report (article, sentences,
claims, signals, risk; about as long as a real one).  Each record is one of them with its own URL (500 outlets),
title, date and first sentence, so every record is a different article.

Measured, on SQLite and on PostgreSQL (a throwaway cluster, ``tests/pgcluster.py``, unless
``FACTSIFT_BENCH_POSTGRES`` names a database URL):

* the reference: reading the file and decoding every line (``orjson``), which any add must do;
* the first add of all records (one transaction), as articles per second and as a ratio to the reference;
* adding the same file again (every article unchanged), the same way.

The machine is shared (2 cores): read the ratios, not the absolute rates, across runs.
Target (issue 20): >= 500 articles/s without re-analysis.

Run: ``nice -n 10 .venv/bin/python bench/archive_add.py [--records N] [--no-postgres]``.
Writes ``bench/results/archive_add.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARTICLES = ROOT / ".." / "shared" / "data" / "articles" / "buzzfeed_webis_2016" / "articles"
RESULTS = ROOT / "bench" / "results" / "archive_add.json"
RECORDS = 100_000
BASE_ARTICLES = 40
OUTLETS = 500
TARGET = 500.0


def base_reports() -> list[dict[str, Any]]:
    """The reports of the first :data:`BASE_ARTICLES` BuzzFeed-Webis articles with text, every stage, fast."""
    from factsift.analyser import Analyser
    from factsift.config import Config
    from factsift.options import Options

    analyser = Analyser(Config.from_options(Options(fast=True)))
    reports: list[dict[str, Any]] = []
    for path in sorted(ARTICLES.glob("*.xml")):
        xml = path.read_text(encoding="utf-8")
        text = re.search(r"<mainText>(.*?)</mainText>", xml, re.S)
        title = re.search(r"<title>(.*?)</title>", xml, re.S)
        if text is None or title is None or len(text.group(1).split()) < 150:
            continue
        body = f"{title.group(1).strip()}\n\n{text.group(1).strip()}"
        reports.append(analyser.analyse(text=body).to_dict())
        if len(reports) == BASE_ARTICLES:
            break
    return reports


def write_batch_output(path: Path, records: int, reports: list[dict[str, Any]]) -> int:
    """Write ``records`` batch output lines, each a different article; the file's size in bytes."""
    from factsift.batch.encoding import jsonl_line

    with path.open("w", encoding="utf-8") as out:
        for number in range(records):
            report = reports[number % len(reports)]
            article = dict(report["article"])
            article["title"] = f"{article.get('title') or 'Story'} (story {number})"
            article["text"] = f"Story {number} opens here. " + article["text"]
            article["published"] = f"2016-{number % 12 + 1:02d}-{number % 28 + 1:02d}"
            url = f"https://outlet{number % OUTLETS}.example/news/{number}"
            row = {
                "id": str(number),
                "report": {**report, "input": {"kind": "text", "url": url, "path": None}, "article": article},
                "extra": {},
            }
            out.write(jsonl_line(row))
    return path.stat().st_size


def decode_only(path: Path) -> float:
    """Seconds to read the file and decode every line: the floor under any add."""
    started = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            orjson.loads(line)
    return time.perf_counter() - started


def measure(db: str, path: Path, records: int, reference: float) -> dict[str, Any]:
    """First add and re-add of the file into an empty archive at ``db``: rates and ratios to the reference."""
    from factsift.archive.adding import add_files
    from factsift.archive.store import open_article_archive

    archive = open_article_archive(db)
    try:
        result: dict[str, Any] = {}
        for run in ("first_add", "re_add"):
            started = time.perf_counter()
            summary = add_files(archive, [path])
            seconds = time.perf_counter() - started
            counts = summary.counts
            result[run] = {
                "seconds": round(seconds, 2),
                "articles_per_second": round(records / seconds, 1),
                "ratio_to_decode_only": round(seconds / reference, 2),
                "added": counts.added,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
            }
            print(f"  {run}: {records / seconds:,.0f} articles/s ({seconds:.1f} s, {seconds / reference:.2f}x decode)")
        stats = archive.stats()
        assert stats["articles"] == records, stats
        result["articles_in_archive"] = stats["articles"]
        result["outlets_in_archive"] = stats["outlets"]
        return result
    finally:
        archive.close()


def main() -> None:
    """Build the batch output, measure the reference and each backend, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=RECORDS)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    results: dict[str, Any] = {"records": args.records, "target_articles_per_second": TARGET}
    with tempfile.TemporaryDirectory(prefix="factsift-archive-bench-") as folder:
        work = Path(folder)
        reports = base_reports()
        path = work / "results.jsonl"
        size = write_batch_output(path, args.records, reports)
        results["base_reports"] = len(reports)
        results["mean_record_bytes"] = round(size / args.records)
        print(f"{args.records:,} records, {size / 1e6:,.0f} MB ({size / args.records / 1e3:.1f} kB a record)")
        reference = decode_only(path)
        results["decode_only"] = {
            "seconds": round(reference, 2),
            "records_per_second": round(args.records / reference, 1),
        }
        print(f"decode only: {args.records / reference:,.0f} records/s")
        print("sqlite:")
        results["sqlite"] = measure(str(work / "store.db"), path, args.records, reference)
        if not args.no_postgres:
            cluster = None
            url = os.environ.get("FACTSIFT_BENCH_POSTGRES")
            if url is None:
                from tests.pgcluster import start_cluster

                cluster = start_cluster()
                url = cluster.url()
            try:
                print("postgresql:")
                results["postgresql"] = measure(url, path, args.records, reference)
            finally:
                from factsift.postgres import close_pools

                close_pools()
                if cluster is not None:
                    cluster.stop()
    met = [results[b]["first_add"]["articles_per_second"] >= TARGET for b in ("sqlite", "postgresql") if b in results]
    results["target_met"] = all(met)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
