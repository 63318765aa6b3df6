"""Batch throughput: articles/s with 1 and 2 local workers and on a 2-worker Dask LocalCluster.

Generates N synthetic news articles (half plain text, half HTML pages with furniture; written
here from templates, no dataset text), runs ``factsift batch`` over them with every installed
stage ("full") and with ``--fast``, and records articles/s, scaling from 1 to 2 workers and
the peak resident memory (VmHWM) of each worker process.  Writes bench/results/batch.json.

    python bench/batch.py                  # 5,000 articles, both modes (see README for timing)
    python bench/batch.py --articles 500 --modes fast
    python bench/batch.py --modes fast --repeats 3   # median of three runs per local configuration
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import tempfile
import threading
from pathlib import Path
from typing import Any

from factsift.batch import BatchConfig, run_batch
from factsift.factchecks.importer import import_files
from factsift.pipeline import registered_stages

RESULTS = Path(__file__).resolve().parent / "results" / "batch.json"
TARGETS = {"full_per_core": 20.0, "fast_per_core": 100.0, "scaling_1_to_2": 1.8, "rss_per_worker_mb": 1024.0}

_PLACES = ["Springfield", "Riverton", "Lakeside", "Harbor City", "Northgate", "Eastwood", "Fairview", "Milltown"]
_PEOPLE = ["Mayor Ana Ruiz", "Senator Tom Hale", "Dr. Lena Ortiz", "Chief Mark Dunn", "Gov. Ellen Price"]
_TOPICS = ["budget", "water supply", "school funding", "vaccine program", "election audit", "new highway", "tax plan"]
_VERBS = ["approved", "rejected", "delayed", "announced", "questioned", "defended", "expanded"]
_HEADLINES = [
    "{place} council {verb} {topic} after long debate",
    "{person} says {topic} will cost ${n} million",
    "You won't believe what {person} just said about the {topic}",
    "SHOCKING: {topic} secret they don't want you to know",
    "Report: {topic} in {place} behind schedule by {n} months",
]
_SENTENCES = [
    "{person} said on {day} that the {topic} would be reviewed by an independent panel.",
    "The plan, which was {verb} by a vote of {n} to {m}, will take effect next year.",
    "According to figures published by the state statistics office, spending rose {n} percent in {year}.",
    "Sources who asked not to be named claimed the {topic} had been quietly {verb} weeks earlier.",
    "Critics called the decision a disastrous betrayal and a shameful cover-up by corrupt insiders.",
    "Residents of {place} told reporters they had waited since {year} for a decision.",
    "“We are committed to transparency,” {person} told a news conference in {place}.",
    "Insiders say the truth about the {topic} will shock everyone, but no documents were provided.",
    "The department released a {n}-page report on {day}, which is available on its website.",
    "Officials estimated that about {k} households in {place} would be affected by the change.",
    "The {topic} has been debated in {place} for {m} years, with several earlier proposals failing.",
    "An analysis by the university found no evidence that the {topic} had increased costs.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        place=rng.choice(_PLACES),
        person=rng.choice(_PEOPLE),
        topic=rng.choice(_TOPICS),
        verb=rng.choice(_VERBS),
        day=rng.choice(_DAYS),
        n=rng.randint(2, 90),
        m=rng.randint(2, 12),
        k=rng.randint(100, 90000),
        year=rng.randint(2005, 2025),
    )


def make_article(i: int, rng: random.Random) -> dict[str, Any]:
    """One synthetic article as a batch input row (text or HTML, ~300-600 words)."""
    title = _fill(rng.choice(_HEADLINES), rng)
    paragraphs = [
        " ".join(_fill(rng.choice(_SENTENCES), rng) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(8, 14))
    ]
    if i % 2:
        return {"id": f"g{i}", "text": title + "\n\n" + "\n\n".join(paragraphs), "n": i}
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        f"<html lang='en'><head><title>{title}</title></head><body><nav><a href='/'>Home</a> "
        f"<a href='/politics'>Politics</a></nav><article><h1>{title}</h1>{body}</article>"
        "<div class='share'>Share on Facebook Share on Twitter</div>"
        "<footer>© 2026 Example Gazette</footer></body></html>"
    )
    return {"id": f"g{i}", "html": html, "url": f"https://www.gazette{i % 40}.example/news/{i}", "n": i}


def write_input(path: Path, count: int) -> None:
    """Write ``count`` generated articles as JSONL."""
    rng = random.Random(20261125)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(json.dumps(make_article(i, rng)) + "\n")


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _worker_cpu(local: bool) -> float:
    """CPU seconds used so far by reaped children (local pool) or by live descendants (Dask workers)."""
    if local:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime
    return sum(_cpu_seconds(pid) for pid in _descendants(os.getpid()))


class PeakMemory:
    """Samples the peak resident memory (VmHWM) of every child process while a run goes."""

    def __init__(self) -> None:
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.25):
            for pid in _descendants(os.getpid()):
                peak = _peak_rss_mb(pid)
                if peak is not None:
                    self.peaks[pid] = max(peak, self.peaks.get(pid, 0.0))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_one(
    source: Path, workdir: Path, name: str, fast: bool, workers: int, scheduler: str | None, db: Path
) -> dict[str, Any]:
    """One timed batch run; the figures for the results file."""
    out = workdir / f"{name}.jsonl"
    config = BatchConfig(
        inputs=[source],
        out=out,
        workers=workers,
        scheduler=scheduler,
        analysis={"fast": fast, "db": db},
        progress=False,
    )
    cpu_before = _worker_cpu(scheduler is None)
    with PeakMemory() as memory:
        summary = run_batch(config)
    cpu = _worker_cpu(scheduler is None) - cpu_before
    with out.open(encoding="utf-8") as handle:
        stages = json.loads(handle.readline()).get("report", {}).get("stages")
    out.unlink()
    worker_peaks = sorted(memory.peaks.values(), reverse=True)[:workers]
    result = {
        "articles": summary.processed,
        "errors": summary.errors,
        "seconds": round(summary.seconds, 2),
        "articles_per_s": round(summary.rate, 1),
        "articles_per_s_per_worker": round(summary.rate / workers, 1),
        "worker_cpu_seconds": round(cpu, 1),
        "articles_per_worker_cpu_s": round(summary.processed / cpu, 1) if cpu > 0 else None,
        "peak_rss_mb_per_worker": [round(p) for p in worker_peaks],
        "stages": stages,
    }
    print(
        f"{name:>22}: {result['articles_per_s']:7.1f} articles/s "
        f"({result['articles_per_worker_cpu_s']} per worker CPU-second), "
        f"peak RSS/worker {result['peak_rss_mb_per_worker']} MB"
    )
    return result


def run_repeated(repeats: int, *args: Any) -> dict[str, Any]:
    """:func:`run_one` ``repeats`` times: the run with the median rate, and every run's rate (a shared
    machine's speed varies from run to run)."""
    runs = sorted((run_one(*args) for _ in range(repeats)), key=lambda run: run["articles_per_s"])
    median = dict(runs[len(runs) // 2])
    median["articles_per_s_runs"] = [run["articles_per_s"] for run in runs]
    median["articles_per_worker_cpu_s_runs"] = [run["articles_per_worker_cpu_s"] for run in runs]
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--modes", default="full,fast", help="comma-separated: full, fast")
    parser.add_argument(
        "--repeats", type=int, default=1, help="runs of each local configuration; the median run is reported"
    )
    args = parser.parse_args()
    from distributed import LocalCluster

    results: dict[str, Any] = {
        "articles": args.articles,
        "repeats": args.repeats,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_at_start": os.getloadavg()},
        "note": "articles_per_worker_cpu_s is throughput per busy core; wall-clock rates depend on other load",
        "installed_stages": ["ingest", *registered_stages()],
        "targets": TARGETS,
        "runs": {},
    }
    with tempfile.TemporaryDirectory(prefix="factsift-bench-batch-") as tmp:
        workdir = Path(tmp)
        source = workdir / "articles.jsonl"
        write_input(source, args.articles)
        # a non-empty fact-check store, so that "full" really embeds and matches every article's claims
        db = workdir / "factchecks.db"
        import_files([Path(__file__).resolve().parents[1] / "examples" / "sample-factchecks.json"], db=db)
        for mode in args.modes.split(","):
            fast = mode == "fast"
            runs = {
                "local_1_worker": run_repeated(
                    args.repeats, source, workdir, f"{mode}/local 1 worker", fast, 1, None, db
                ),
                "local_2_workers": run_repeated(
                    args.repeats, source, workdir, f"{mode}/local 2 workers", fast, 2, None, db
                ),
            }
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                runs["dask_2_workers"] = run_one(
                    source, workdir, f"{mode}/dask 2 workers", fast, 2, cluster.scheduler_address, db
                )
            one, two = runs["local_1_worker"]["articles_per_s"], runs["local_2_workers"]["articles_per_s"]
            target = TARGETS["fast_per_core" if fast else "full_per_core"]
            runs["scaling_1_to_2"] = round(two / one, 2) if one else None
            cpu_one, cpu_two = (runs[r]["articles_per_worker_cpu_s"] for r in ("local_1_worker", "local_2_workers"))
            # work per CPU-second with 2 workers vs 1: 1.0 means no parallel overhead (wall-clock scaling
            # then only depends on whether 2 cores were actually free)
            runs["cpu_efficiency_2_vs_1"] = round(cpu_two / cpu_one, 2) if cpu_one and cpu_two else None
            runs["meets_targets"] = {
                "per_core": one >= target,
                "scaling": bool(one) and two / one >= TARGETS["scaling_1_to_2"],
                "rss": all(
                    peak <= TARGETS["rss_per_worker_mb"]
                    for run in ("local_1_worker", "local_2_workers", "dask_2_workers")
                    for peak in runs[run]["peak_rss_mb_per_worker"]
                ),
            }
            results["runs"][mode] = runs
            print(f"{mode}: scaling 1→2 workers ×{runs['scaling_1_to_2']}, targets {runs['meets_targets']}")
    results["machine"]["load_avg_at_end"] = os.getloadavg()
    results["driver_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
