"""Two ``factsift serve`` processes and two batch jobs write to one PostgreSQL database at once, losing nothing.

Server A runs two worker processes (``--workers 2``), server B one; each gets 300 analyses (4 clients
at a time).  Meanwhile ``factsift db load`` writes a 2,000-article batch (watched articles and their
reports, one transaction) and ``factsift factchecks import`` adds fact-checks.  Afterwards every 201's
analysis is readable through the other server, no id appears twice, the counts are exact, and both
servers find the fact-checks imported by another process.  Everything listens on 127.0.0.1 and is
bounded in count and time.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FACTCHECKS = ROOT / "examples" / "sample-factchecks.json"
PER_SERVER = 300
BATCH = 2_000
CLIENTS_PER_SERVER = 4


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _factsift(*args: str) -> list[str]:
    return [sys.executable, "-m", "factsift", *args]


@pytest.fixture
def servers(postgres_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Server A (two worker processes) and server B (one) on the same PostgreSQL store; their base URLs."""
    processes: list[subprocess.Popen[bytes]] = []
    bases = []
    try:
        for workers in (2, 1):
            port = _free_port()
            log = (tmp_path / f"serve-{port}.log").open("wb")
            command = ["serve", "--db", postgres_url, "--port", str(port), "--rate-limit", "0", "--fast"]
            command += ["--workers", str(workers), "--max-analyses", "8"]
            processes.append(subprocess.Popen(_factsift(*command), stdout=log, stderr=subprocess.STDOUT))
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 90
        for base, process in zip(bases, processes, strict=True):
            while True:
                assert process.poll() is None, f"the server at {base} stopped: see {tmp_path}"
                assert time.monotonic() < deadline, f"the server at {base} did not start in time"
                try:
                    if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _batch_dump(path: Path) -> None:
    """A dump holding 2,000 watched articles and their reports (as the watcher would have stored them)."""
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"format": "factsift.dump/1"}) + "\n")
        for n in range(BATCH):
            report = json.dumps({"article": {"title": f"Batch article {n}"}})
            analysis = {"id": f"batch-{n}", "created": "2026-01-01T00:00:00.000Z", "title": f"Batch article {n}"}
            analysis |= {"outlet": None, "input_kind": "url", "risk_score": 0.1, "risk_label": "low", "report": report}
            out.write(json.dumps({"table": "web_analyses", "row": analysis}) + "\n")
            article = {"id": f"batch-{n}", "key": f"k{n}", "url": f"https://x.example/{n}", "feed": "f"}
            article |= {"outlet": "x.example", "outlet_label": None, "title": f"Batch article {n}", "published": None}
            article |= {
                "fetched": float(n),
                "risk_score": 0.1,
                "risk_label": "low",
                "group_id": f"g{n}",
                "signature": None,
            }
            out.write(json.dumps({"table": "watch_articles", "row": article}) + "\n")


def _analyse(base: str, number: int) -> tuple[int, str | None]:
    """POST one short article; (status, the new analysis's id)."""
    text = (
        f"Story {number}: the council of town {number} voted on Tuesday to repair the harbour bridge, officials said. "
        f"The work on bridge {number} will cost {number + 2} million dollars, the finance office said in a statement."
    )
    response = httpx.post(f"{base}/api/v1/analyses", json={"text": text}, timeout=60)
    return response.status_code, response.json().get("id") if response.status_code == 201 else None


def test_two_servers_and_two_batch_jobs_write_one_database_without_loss(
    servers: list[str], postgres_url: str, tmp_path: Path
) -> None:
    dump = tmp_path / "batch.jsonl"
    _batch_dump(dump)
    jobs = [
        subprocess.Popen(_factsift("db", "load", "--db", postgres_url, str(dump)), stderr=subprocess.PIPE),
        subprocess.Popen(
            _factsift("factchecks", "import", str(SAMPLE_FACTCHECKS), "--db", postgres_url, "--embeddings", "off"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ),
    ]
    with ThreadPoolExecutor(max_workers=CLIENTS_PER_SERVER * len(servers)) as pool:
        futures = [(base, pool.submit(_analyse, base, number)) for number in range(PER_SERVER) for base in servers]
        results = [(base, future.result(timeout=120)) for base, future in futures]
    for job in jobs:
        _, errors = job.communicate(timeout=120)
        assert job.returncode == 0, errors.decode()
    assert [status for _, (status, _) in results] == [201] * (PER_SERVER * len(servers))
    ids = [analysis_id for _, (_, analysis_id) in results]
    assert len(set(ids)) == len(ids) == PER_SERVER * len(servers)
    with httpx.Client(timeout=30) as client:
        for (base, (_, analysis_id)), other in zip(results, [servers[1], servers[0]] * PER_SERVER, strict=True):
            assert other != base
            assert client.get(f"{other}/api/v1/analyses/{analysis_id}").status_code == 200
    with psycopg.connect(postgres_url) as conn:
        total, distinct = conn.execute("SELECT count(*), count(DISTINCT id) FROM web_analyses").fetchone()  # type: ignore[misc]
        (articles,) = conn.execute("SELECT count(*) FROM watch_articles").fetchone()  # type: ignore[misc]
    assert (total, distinct, articles) == (PER_SERVER * len(servers) + BATCH,) * 2 + (BATCH,)
    for base in servers:  # each process sees the fact-checks another process imported
        found = httpx.get(
            f"{base}/api/v1/factchecks/search",
            params={"q": "the mayor sold the town reservoir to a bottling company"},
            timeout=30,
        )
        assert found.status_code == 200 and found.json()["results"], found.text
