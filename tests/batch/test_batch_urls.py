"""URL inputs: fetched with the CLI's guards, at most N requests per host, spaced by the delay."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from batch_helpers import article_html, read_jsonl, write_jsonl

from factsift.batch import BatchConfig, run_batch
from factsift.batch.politeness import Politeness


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.starts: list[float] = []


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.active += 1
            self.server.max_active = max(self.server.max_active, self.server.active)
            self.server.starts.append(time.monotonic())
        try:
            time.sleep(0.05)
            if self.path.startswith("/story"):
                body, ctype, status = article_html(int(self.path[6:])).encode(), "text/html; charset=utf-8", 200
            elif self.path == "/file.pdf":
                body, ctype, status = b"%PDF-1.4", "application/pdf", 200
            else:
                body, ctype, status = b"not found", "text/plain", 404
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with self.server.lock:
                self.server.active -= 1

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _input(tmp_path: Path, server: _Server) -> Path:
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows: list[dict[str, object]] = [{"id": f"s{i}", "url": f"{base}/story{i}"} for i in range(6)]
    rows += [{"id": "missing", "url": f"{base}/missing"}, {"id": "pdf", "url": f"{base}/file.pdf"}]
    rows += [{"id": "ftp", "url": "ftp://127.0.0.1/x"}]
    return write_jsonl(tmp_path / "urls.jsonl", rows)


def test_private_addresses_are_refused_without_allow_private(tmp_path: Path, server: _Server) -> None:
    out = tmp_path / "out.jsonl"
    summary = run_batch(BatchConfig(inputs=[_input(tmp_path, server)], out=out, workers=1, progress=False))
    assert summary.errors == 9 and server.starts == []
    rows = {row["id"]: row for row in read_jsonl(out)}
    assert "refusing to fetch" in rows["s0"]["error"] and rows["s0"]["url"].endswith("/story0")
    assert "http and https" in rows["ftp"]["error"]


def test_fetching_is_polite_per_host_across_workers(tmp_path: Path, server: _Server) -> None:
    out = tmp_path / "out.jsonl"
    delay = 0.3
    summary = run_batch(
        BatchConfig(
            inputs=[_input(tmp_path, server)],
            out=out,
            workers=2,
            chunk_size=2,
            analysis={"allow_private": True},
            politeness=Politeness(limit=1, delay=delay),
            progress=False,
        )
    )
    assert (summary.reports, summary.errors) == (6, 3)
    rows = {row["id"]: row for row in read_jsonl(out)}
    report = rows["s3"]["report"]
    assert report["input"]["kind"] == "url" and report["input"]["url"].endswith("/story3")
    assert report["article"]["title"] == article_html(3).split("<title>")[1].split("</title>")[0]
    assert "HTTP 404" in rows["missing"]["error"]
    assert "application/pdf" in rows["pdf"]["error"]
    assert server.max_active == 1
    starts = sorted(server.starts)
    assert len(starts) == 8
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= delay - 0.02


def test_two_slots_per_host_allow_two_requests_at_once(tmp_path: Path, server: _Server) -> None:
    run_batch(
        BatchConfig(
            inputs=[_input(tmp_path, server)],
            out=tmp_path / "out.jsonl",
            workers=2,
            chunk_size=1,
            analysis={"allow_private": True},
            politeness=Politeness(limit=2, delay=0.0),
            progress=False,
        )
    )
    assert server.max_active <= 2
