"""Watcher benchmark: 500 feeds × 20 items served from 127.0.0.1, end to end.

Measures (writes bench/results/watch.json):
- items/s end to end (poll, fetch, analyse with ``--fast``, archive, alerts) with local analysis workers;
- the watcher's own cost per item beyond the analysis, measured in a run that analyses in the watcher's
  process (wall time minus the time spent inside the analysis), also as a ratio to the analysis time per
  item measured in the same run (target ≤ 5 ms);
- duplicates and losses: every listed URL archived exactly once (each feed also links two items of the
  next feed under tracking-tagged spellings, which must not be analysed again);
- memory (VmRSS of the watcher, analysis in one worker process) after each cycle of a bounded soak in
  which every feed lists new items each cycle (target: flat);
- feedparser against fastfeedparser on the same generated feeds (time per feed, same links found).

    python bench/watch.py                       # 500 feeds × 20 items; soak of 6 cycles × 400 new items
    python bench/watch.py --feeds 50 --soak-cycles 3
    python bench/watch.py --parts soak          # one measurement; the file keeps the others' figures
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sqlite3
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from factsift.factchecks.importer import import_files
from factsift.watch.config import FeedConfig, RuleConfig, SinkConfig, WatchConfig
from factsift.watch.feeds import parse_feed
from factsift.watch.runner import Watcher

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "watch.json"
TARGET_OWN_MS = 5.0
PARTS = ("end_to_end", "own_cost", "soak", "parsers")
_TOPICS = ("harbour ferry", "library budget", "river bridge", "school lunches", "bus network", "flood defences")


def article(feed: int, item: int) -> str:
    """A generated article page, different for every (feed, item)."""
    topic = _TOPICS[(feed + item) % len(_TOPICS)]
    sentences = [
        f"The council of district {feed} voted {item % 7 + 2} to 3 on Tuesday to change the {topic} plan.",
        f"The proposal {feed}-{item} would cost {feed + item + 3}.5 million dollars over {item % 4 + 2} years.",
        f"Residents of ward {feed * 31 + item} said the {topic} was delayed since {1990 + (feed * item) % 30}.",
        f"Councillor Jo Marsh said plan {feed}-{item} would create {feed * 3 + item * 7 + 11} jobs, a statement said.",
        f"A final vote on item {item} of district {feed} is expected next month after a consultation.",
    ]
    body = "".join(f"<p>{s}</p>" for s in sentences)
    title = f"District {feed} debates {topic} plan {item}"
    head = f"<!doctype html><html><head><title>{title}</title></head>"
    return f"{head}<body><article><h1>{title}</h1>{body}</article></body></html>"


def feed_xml(feed: int, items: int, feeds: int, cycle: int) -> str:
    """RSS for one feed: its items of this cycle, plus two of the next feed's under tracking-tagged URLs."""
    links = [f"/article/{feed}/{cycle * items + i}" for i in range(items)]
    other = (feed + 1) % feeds
    links += [f"/article/{other}/{cycle * items + i}?utm_source=rss&utm_medium=syndication" for i in range(2)]
    entries = "".join(
        f"<item><title>Item</title><link>http://127.0.0.1:{{port}}{escape(link)}</link></item>" for link in links
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>{entries}</channel></rss>'


def serve(port_box: Any, items: int, feeds: int, cycle_box: Any) -> None:
    """The local news server (runs in its own process so its CPU is not the watcher's)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            parts = self.path.split("?", 1)[0].strip("/").split("/")
            cycle = cycle_box.value
            if parts[0] == "feed":
                etag = f'"{cycle}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                body = feed_xml(int(parts[1].removesuffix(".xml")), items, feeds, cycle).replace(
                    "{port}", str(port_box.value)
                )
                self._send(200, body.encode(), "application/rss+xml", {"ETag": etag})
            elif parts[0] == "article":
                self._send(200, article(int(parts[1]), int(parts[2])).encode(), "text/html", {})
            else:
                self._send(404, b"not found", "text/plain", {})

        def _send(self, status: int, body: bytes, media: str, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_box.value = server.server_address[1]
    server.serve_forever()


def rss_mb() -> float:
    """The resident memory of this process in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def index_bytes_per_article(articles: int = 2000) -> float:
    """Memory the near-duplicate index holds per article of its window (tracemalloc)."""
    import tracemalloc

    from factsift.watch.dedup import NearDuplicates, signature

    signatures = [signature(article(n, n * 7)) for n in range(articles)]
    tracemalloc.start()
    index = NearDuplicates()
    for number, minhash in enumerate(signatures):
        index.assign(str(number), minhash, time.time())
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return round(held / articles, 1)


def config_for(db: Path, port: int, feeds: int, workers: int, alerts: Path) -> WatchConfig:
    """Watch every generated feed, analyse with --fast, alert on one keyword to a JSONL file."""
    return WatchConfig(
        feeds=[FeedConfig(f"http://127.0.0.1:{port}/feed/{n}.xml", interval=0) for n in range(feeds)],
        db=db,
        allow_private=True,
        fast=True,
        workers=workers,
        per_host_interval=0.0,
        max_articles_per_cycle=10**9,
        rules=[RuleConfig("bridge", keywords=("bridge",))],
        sinks=[SinkConfig("file", "jsonl", {"path": str(alerts)})],
    )


def fresh_db(folder: Path, name: str) -> Path:
    """A store with the sample fact-checks imported."""
    db = folder / name
    import_files([ROOT / "examples" / "sample-factchecks.json"], db=db, embeddings=False)
    return db


def timed_run(watcher: Watcher) -> dict[str, float]:
    """Wall and CPU seconds of one cycle, those spent inside the analysis, and the items archived."""
    inside = {"wall": 0.0, "cpu": 0.0}
    real = watcher.analyser.analyse

    def counted(records: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return real(records)
        finally:
            inside["wall"] += time.perf_counter() - wall
            inside["cpu"] += time.process_time() - cpu

    watcher.analyser.analyse = counted  # type: ignore[method-assign]
    wall, cpu = time.perf_counter(), time.process_time()
    summary = watcher.run_once()
    return {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "analysis_wall": inside["wall"],
        "analysis_cpu": inside["cpu"],
        "archived": summary.archived,
    }


def counts(db: Path) -> dict[str, int]:
    """Items, archived articles, stored analyses and distinct keys in a store."""
    with sqlite3.connect(db) as conn:
        return {
            "items": conn.execute("SELECT count(*) FROM watch_items").fetchone()[0],
            "archived": conn.execute("SELECT count(*) FROM watch_articles").fetchone()[0],
            "distinct_archived": conn.execute("SELECT count(DISTINCT key) FROM watch_articles").fetchone()[0],
            "analyses": conn.execute("SELECT count(*) FROM web_analyses").fetchone()[0],
        }


def parsers(feeds: int, items: int) -> dict[str, Any]:
    """feedparser against fastfeedparser: ms per generated feed, and whether each finds the same links in the
    generated feeds and in every RSS/Atom/JSON Feed fixture of the tests."""
    import sys

    import feedparser

    sys.path.insert(0, str(ROOT))
    from tests.watch import test_feeds

    fixtures = {name: getattr(test_feeds, name) for name in ("RSS091", "RSS10", "RSS20", "ATOM", "JSON_FEED")}
    documents = [feed_xml(n, items, feeds, 0).replace("{port}", "8000").encode() for n in range(min(feeds, 200))]
    result: dict[str, Any] = {}
    started = time.perf_counter()
    reference = [[e.link for e in feedparser.parse(d).entries] for d in documents]
    result["feedparser_ms_per_feed"] = round((time.perf_counter() - started) * 1000 / len(documents), 3)
    result["feedparser_fixtures"] = {
        name: [item.url for item in parse_feed(body).items] == test_feeds_urls(body) for name, body in fixtures.items()
    }
    try:
        import fastfeedparser
    except ImportError:
        result["fastfeedparser"] = "not installed (pip install fastfeedparser to compare)"
        return result
    started = time.perf_counter()
    fast = [[e.link for e in fastfeedparser.parse(d).entries] for d in documents]
    result["fastfeedparser_ms_per_feed"] = round((time.perf_counter() - started) * 1000 / len(documents), 3)
    result["fastfeedparser_same_links_generated"] = fast == reference
    fixture_links = {}
    for name, body in fixtures.items():
        try:
            fixture_links[name] = [e.get("link") for e in fastfeedparser.parse(body).entries] == test_feeds_urls(body)
        except Exception as exc:
            fixture_links[name] = f"failed: {type(exc).__name__}: {exc}"
    result["fastfeedparser_fixtures"] = fixture_links
    return result


def test_feeds_urls(body: bytes) -> list[str]:
    """The links the watcher reads from a fixture (the reference for both parsers)."""
    return [item.url for item in parse_feed(body).items]


def main() -> None:
    """Run the benchmark and write bench/results/watch.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--soak-cycles", type=int, default=6)
    parser.add_argument("--soak-feeds", type=int, default=20)
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"which measurements to run (comma-separated, default all: {','.join(PARTS)}); "
        "the others keep their figures in the results file",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if not parts <= set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(parts - set(PARTS)))}")
    context = multiprocessing.get_context("spawn")
    port, cycle = context.Value("i", 0), context.Value("i", 0)
    server = context.Process(target=serve, args=(port, args.items, args.feeds, cycle), daemon=True)
    server.start()
    while port.value == 0:
        time.sleep(0.05)
    expected = args.feeds * args.items
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(machine=platform.machine(), cpus=os.cpu_count(), feeds=args.feeds)
    try:
        with tempfile.TemporaryDirectory() as folder_name:
            folder = Path(folder_name)
            if "end_to_end" in parts:
                # 1. End to end with local analysis workers.
                db = fresh_db(folder, "e2e.db")
                watcher = Watcher(config_for(db, port.value, args.feeds, args.workers, folder / "a.jsonl"), db)
                try:
                    run = timed_run(watcher)
                finally:
                    watcher.close()
                wall, archived = run["wall"], int(run["archived"])
                found = counts(db)
                results["end_to_end"] = {
                    "workers": args.workers,
                    "items": expected,
                    "seconds": round(wall, 2),
                    "items_per_second": round(archived / wall, 1),
                    "duplicates": found["analyses"] - found["distinct_archived"],
                    "losses": expected - found["distinct_archived"],
                    "items_recorded": found["items"],
                }
                print(
                    f"end to end: {archived} items in {wall:.1f} s = {archived / wall:.1f}/s ({args.workers} workers)"
                )
                print(f"  duplicates {results['end_to_end']['duplicates']}, losses {results['end_to_end']['losses']}")
            if "own_cost" in parts:
                # 2. The watcher's own cost: analysis in-process, so wall − analysis is everything else.
                db = fresh_db(folder, "own.db")
                feeds = max(1, args.feeds // 10)
                watcher = Watcher(config_for(db, port.value, feeds, 0, folder / "b.jsonl"), db)
                try:
                    run = timed_run(watcher)
                finally:
                    watcher.close()
                items = max(1, int(run["archived"]))
                own_wall = (run["wall"] - run["analysis_wall"]) * 1000 / items
                own_cpu = (run["cpu"] - run["analysis_cpu"]) * 1000 / items
                analysis_ms = run["analysis_wall"] * 1000 / items
                results["own_cost"] = {
                    "items": items,
                    "own_wall_ms_per_item": round(own_wall, 3),
                    "own_cpu_ms_per_item": round(own_cpu, 3),
                    "analysis_ms_per_item": round(analysis_ms, 3),
                    "own_to_analysis_ratio": round(own_wall / analysis_ms, 4) if analysis_ms else None,
                    "target_ms": TARGET_OWN_MS,
                }
                print(
                    f"watcher's own cost per item: {own_wall:.2f} ms wall, {own_cpu:.2f} ms CPU, "
                    f"beside {analysis_ms:.2f} ms of analysis (ratio {own_wall / analysis_ms:.3f})"
                )
            if "soak" in parts:
                # 3. Soak: new items every cycle, memory after each.
                db = fresh_db(folder, "soak.db")
                # One analysis worker process: the figure is the watcher's own memory (the pipeline's word
                # caches, which grow in whichever process analyses, are the batch benchmark's concern).
                soak_config = config_for(db, port.value, args.soak_feeds, 1, folder / "c.jsonl")
                # The near-duplicate index grows by design with the articles of its window (about 2 KB each,
                # measured below); a short window here shows whether anything else grows.
                soak_config.dedup_window = 30.0
                watcher = Watcher(soak_config, db)
                memory = []
                try:
                    for number in range(args.soak_cycles):
                        cycle.value = number + 1
                        watcher.run_once()
                        memory.append(round(rss_mb(), 1))
                finally:
                    watcher.close()
                half = max(1, len(memory) // 2)
                results["soak"] = {
                    "cycles": args.soak_cycles,
                    "items_per_cycle": args.soak_feeds * args.items,
                    "rss_mb_after_each_cycle": memory,
                    "growth_mb_second_half": round(memory[-1] - memory[half - 1], 1) if len(memory) > 1 else 0.0,
                    "archived": counts(db)["archived"],
                    "dedup_index_bytes_per_article": index_bytes_per_article(),
                }
                print(f"soak RSS after each cycle (MB): {memory}")
            if "parsers" in parts:
                results["parsers"] = parsers(args.feeds, args.items)
                print(f"parsers: {results['parsers']}")
    finally:
        server.terminate()
        server.join()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
