"""Benchmark and evaluation of the sources stage.

* Lookup speed: ``rate(text, table)`` (normalise + find + build the ``SourceRating``) over distinct
  URLs and hosts, cold (public-suffix cache empty) and warm.  Target: at least 100,000 per second.
* Package size added: the ``factsift/sources`` folder (code + shipped data).  Target: at most 2 MB.
* Agreement with lists that were not used to pick the thresholds: OpenSources 2017 (LGPL, used here
  only for evaluation, never shipped) — the share of its fake/conspiracy/junk-science/unreliable/hate
  sites each label gets.

Run: ``.venv/bin/python bench/sources.py``; writes ``bench/results/sources.json``.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from pathlib import Path

from factsift.sources import domains
from factsift.sources.lookup import rate
from factsift.sources.table import shipped_table

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "factsift" / "sources"
OPENSOURCES = ROOT.parent / "shared" / "data" / "sources" / "opensources_2017" / "sources.json"
RESULTS = ROOT / "bench" / "results" / "sources.json"
BAD_TYPES = {"fake", "conspiracy", "junksci", "unreliable", "hate"}


def workload(n: int, seed: int = 7) -> list[str]:
    """Distinct inputs: rated domains as article URLs and bare hosts, plus unknown domains."""
    rng = random.Random(seed)
    rated = sorted(shipped_table().entries)
    items: list[str] = []
    for i in range(n):
        domain = rng.choice(rated)
        kind = i % 4
        if kind == 0:
            items.append(f"https://www.{domain}/2017/01/{i}/story-{i}.html")
        elif kind == 1:
            items.append(domain)
        elif kind == 2:
            items.append(f"m.{domain.split('/')[0]}")
        else:
            items.append(f"https://news{i}.example-unknown-{i}.co.uk/a/{i}")
    return items


def lookups_per_second(items: list[str], *, cold: bool, repeats: int = 3) -> dict[str, int]:
    """Best of ``repeats`` runs, per second of CPU time (this process) and of wall time.

    CPU time is the figure to compare with the target: the benchmark machine is shared, and wall
    time there also counts the time other processes held the core.
    """
    table = shipped_table()
    best_cpu = best_wall = float("inf")
    for _ in range(repeats):
        if cold:
            domains.registrable_domain.cache_clear()
            domains._outlet_host.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        for text in items:
            rate(text, table)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return {"per_cpu_second": round(len(items) / best_cpu), "per_wall_second": round(len(items) / best_wall)}


def package_bytes() -> dict[str, int]:
    files = [p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    data = [p for p in files if "data" in p.relative_to(PACKAGE).parts]
    return {"total": sum(p.stat().st_size for p in files), "data": sum(p.stat().st_size for p in data)}


def agreement() -> dict[str, object]:
    table = shipped_table()
    labels = Counter(rate(key, table).label for key in table.entries)
    result: dict[str, object] = {"shipped_label_counts": dict(labels)}
    if not OPENSOURCES.is_file():
        return result
    listed = json.loads(OPENSOURCES.read_text(encoding="utf-8"))
    bad: Counter[str] = Counter()
    for domain, info in listed.items():
        if (info.get("type") or "").strip().lower() not in BAD_TYPES:
            continue
        try:
            bad[rate(domain, table).label] += 1
        except domains.MalformedDomain:
            bad["malformed"] += 1
    total = sum(bad.values())
    result["opensources_bad_sites"] = {
        "n": total,
        "labels": dict(bad),
        "share_unreliable": round(bad["unreliable"] / total, 3),
        "share_reliable": round(bad["reliable"] / total, 3),
        "share_unrated": round(bad["unrated"] / total, 3),
    }
    return result


def main() -> None:
    shipped_table()  # load once, as a process does
    started = time.perf_counter()
    shipped_table.cache_clear()
    shipped_table()
    load_ms = (time.perf_counter() - started) * 1000
    items = workload(40_000)
    figures: dict[str, object] = {
        "lookups_per_second_cold": lookups_per_second(items, cold=True),
        "lookups_per_second_warm": lookups_per_second(items, cold=False),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "lookups": len(items),
        "table_load_ms": round(load_ms, 1),
        "package_bytes": package_bytes(),
        "targets": {"lookups_per_second": 100_000, "package_bytes": 2 * 1024 * 1024},
        **agreement(),
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
