"""Load test of ``factsift serve``: N concurrent clients submit generated articles, then every one is checked.

Starts the server on a free loopback port with a fresh store, gives each simulated client its own
API key (so the per-client rate limit stays on, as in a keyed deployment), submits ``--total``
analyses from ``--clients`` concurrent clients, and reports throughput and latency.  Then it reads
every analysis back by id and walks the whole list with cursors: 0 errors and 0 lost is the bar.
The load runs twice on the same server: "cold" (its first requests load every model) and "warm".
Then it times the report page for 1,000 / 10,000 / 100,000 highlighted spans: the highlighting
itself (linear: its time ratio follows the span ratio) and the whole page (capped at 2,000 highlights).

    python bench/serve.py [--total 1000] [--clients 50]

Writes bench/results/serve.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

RESULTS = Path(__file__).resolve().parent / "results" / "serve.json"

PLACES = ["Port Elsmere", "Harlow", "Caddon Vale", "Brindlemouth", "Ostry", "Marrow Falls", "Kettering Cross"]
SUBJECTS = ["the council", "the water board", "the harbour trust", "local schools", "the rail operator", "residents"]
VERBS = ["approved", "delayed", "questioned", "announced", "rejected", "reviewed", "funded"]
OBJECTS = [
    "a new bridge",
    "the budget for next year",
    "plans for a park",
    "bus timetables",
    "a housing scheme",
    "repairs to the sea wall",
    "a library extension",
]
TAILS = [
    "after a long debate",
    "on Tuesday evening",
    "following a public survey",
    "despite objections",
    "according to the minutes",
    "in a short statement",
    "at a packed meeting",
]


def article(number: int, rng: random.Random) -> tuple[str, str]:
    """A generated plain-text article: (headline, full text).  The headline carries the number."""
    place = rng.choice(PLACES)
    headline = f"{place} {rng.choice(['Council', 'Board', 'Trust'])} {rng.choice(VERBS).title()} Plan Number {number}"
    paragraphs = []
    for _ in range(rng.randint(3, 7)):
        sentences = [
            f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {place} "
            f"{rng.choice(TAILS)}."
            for _ in range(rng.randint(2, 4))
        ]
        sentences.append(f"The cost was put at {rng.randint(2, 900)},000 pounds, officials said.")
        paragraphs.append(" ".join(sentences))
    return headline, headline + "\n\n" + "\n\n".join(paragraphs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, keys: list[str], log: Path, extra: list[str]) -> subprocess.Popen[bytes]:
    env = dict(os.environ, FACTSIFT_API_KEYS=",".join(keys))
    command = [sys.executable, "-m", "factsift", "serve", "--port", str(port), "--db", str(db), *extra]
    process = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("server did not start in 60 s")


def hostile_report(spans: int) -> dict[str, Any]:
    """A report whose one signal marks ``spans`` passages of a "SHOCKING!! BOMBSHELL!! ..." text."""
    text = "SHOCKING!! BOMBSHELL!! " * (spans // 2 + 1)
    marked = [{"start": 11 * i + (i % 2), "end": 11 * i + (i % 2) + 8} for i in range(spans)]
    return {
        "article": {"title": f"{spans} spans", "text": text},
        "signals": [{"name": "sensational_caps", "score": 1.0, "explanation": "capitals", "spans": marked}],
    }


def render_times(base: str, db: Path) -> list[dict[str, Any]]:
    """Highlighting time (all spans) and page time (GET /a/{id}), best of 3 each, per span count, with ratios."""
    from factsift.web.highlight import Mark, segments
    from factsift.web.store import open_analyses

    store = open_analyses(db)
    rows = []
    for spans in (1_000, 10_000, 100_000):
        report = hostile_report(spans)
        text = report["article"]["text"]
        marks = [
            Mark(f"m{i}", "signal", "caps", "Caps", "", span["start"], span["end"])
            for i, span in enumerate(report["signals"][0]["spans"])
        ]
        highlight = []
        for _ in range(3):
            started = time.perf_counter()
            segments(text, marks)
            highlight.append(time.perf_counter() - started)
        page_id = store.save(report).id
        page = []
        for _ in range(3):
            started = time.perf_counter()
            response = httpx.get(f"{base}/a/{page_id}", timeout=600)
            page.append(time.perf_counter() - started)
            response.raise_for_status()
        rows.append(
            {"spans": spans, "highlight_ms": round(1000 * min(highlight), 1), "page_ms": round(1000 * min(page), 1)}
        )
    for row in rows:
        row["highlight_ratio"] = round(row["highlight_ms"] / rows[0]["highlight_ms"], 1)
        row["page_ratio"] = round(row["page_ms"] / rows[0]["page_ms"], 1)
    return rows


def load_figures(load: dict[str, Any], checked: dict[str, Any], total: int) -> dict[str, Any]:
    """Throughput, latency percentiles and loss of one load phase."""
    latencies_ms = [1000 * x for x in load["latencies"]]
    created_ids = set(load["created"].values())
    lost = total - len(created_ids & set(checked["listed"])) if created_ids else total
    return {
        "created": len(load["created"]),
        "errors": len(load["errors"]),
        "error_samples": load["errors"][:5],
        "retrieved_ok": len(load["created"]) - len(checked["missing"]) - len(checked["wrong"]),
        "lost": lost + len(checked["missing"]),
        "wall_s": round(load["wall"], 2),
        "throughput_per_s": round(len(load["created"]) / load["wall"], 2),
        "latency_ms": {
            "p50": round(percentile(latencies_ms, 50), 1),
            "p95": round(percentile(latencies_ms, 95), 1),
            "p99": round(percentile(latencies_ms, 99), 1),
            "max": round(max(latencies_ms), 1),
            "mean": round(statistics.fmean(latencies_ms), 1),
        },
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def run_clients(base: str, keys: list[str], jobs: list[tuple[int, str, str]]) -> dict[str, Any]:
    """Each client takes jobs from a shared queue until it is empty."""
    queue: asyncio.Queue[tuple[int, str, str]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []
    created: dict[int, str] = {}
    errors: list[str] = []

    async def client(key: str) -> None:
        headers = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=300) as http:
            while True:
                try:
                    number, _headline, text = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                try:
                    response = await http.post("/api/v1/analyses", json={"text": text})
                except httpx.HTTPError as exc:
                    errors.append(f"#{number}: {type(exc).__name__}: {exc}")
                    continue
                latencies.append(time.perf_counter() - started)
                if response.status_code != 201:
                    errors.append(f"#{number}: HTTP {response.status_code} {response.text[:200]}")
                    continue
                created[number] = response.json()["id"]

    started = time.perf_counter()
    await asyncio.gather(*(client(key) for key in keys))
    wall = time.perf_counter() - started
    return {"latencies": latencies, "created": created, "errors": errors, "wall": wall}


async def verify(
    base: str, keys: list[str], jobs: list[tuple[int, str, str]], created: dict[int, str]
) -> dict[str, Any]:
    """Read every analysis back by id (checking its headline) and walk the full list by cursor."""
    wrong: list[str] = []
    missing: list[str] = []
    headlines = {number: headline for number, headline, _ in jobs}
    items = list(created.items())

    async def reader(index: int, key: str) -> None:
        async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=120) as http:
            for number, analysis_id in items[index :: len(keys)]:
                response = await http.get(f"/api/v1/analyses/{analysis_id}")
                if response.status_code != 200:
                    missing.append(f"#{number} {analysis_id}: HTTP {response.status_code}")
                elif response.json()["report"]["article"]["title"] != headlines[number]:
                    wrong.append(f"#{number} {analysis_id}: headline differs")

    await asyncio.gather(*(reader(i, key) for i, key in enumerate(keys)))
    listed: list[str] = []
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": keys[0]}, timeout=120) as http:
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 100} | ({"cursor": cursor} if cursor else {})
            page = (await http.get("/api/v1/analyses", params=params)).json()
            listed += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
    return {"missing": missing, "wrong": wrong, "listed": listed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--total", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--max-analyses", type=int, help="passed to factsift serve (default: its own)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    phases = {"cold": [(n, *article(n, rng)) for n in range(args.total)]}
    phases["warm"] = [(n, *article(n, rng)) for n in range(args.total, 2 * args.total)]
    keys = [f"bench-client-{i:02d}-{rng.getrandbits(64):016x}" for i in range(args.clients)]
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="factsift-bench-serve-") as folder:
        db = Path(folder) / "store.db"
        port = free_port()
        extra = ["--max-analyses", str(args.max_analyses)] if args.max_analyses else []
        server = start_server(db, port, keys, Path(folder) / "server.log", extra)
        base = f"http://127.0.0.1:{port}"
        try:
            health = httpx.get(base + "/healthz", timeout=10).json()
            for phase, jobs in phases.items():  # cold: the server's first requests load every model
                load = asyncio.run(run_clients(base, keys, jobs))
                checked = asyncio.run(verify(base, keys, jobs, load["created"]))
                figures[phase] = load_figures(load, checked, args.total)
            pages = render_times(base, db)
        finally:
            server.terminate()
            server.wait(timeout=30)

    result = {
        "total_per_phase": args.total,
        "clients": args.clients,
        "stages": health["stages"],
        **figures,
        "report_page": pages,
        "max_analyses": args.max_analyses or "default (2 x CPUs)",
        "server": "one uvicorn process, SQLite store, per-client rate limit on (one API key per client)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    print(json.dumps(result, indent=2))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    ok = all(f["errors"] == 0 and f["lost"] == 0 and f["retrieved_ok"] == args.total for f in figures.values())
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
