"""Article fixtures written for the batch tests (no dataset text), and small helpers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_TOWNS = ["Springfield", "Riverton", "Lakeside", "Hillcrest", "Brookfield", "Fairview", "Oakdale", "Maplewood"]
_THINGS = ["bridge", "library", "clinic", "school", "park", "station", "market", "stadium"]


def article_text(i: int) -> str:
    """A short plain-text news item, different for each ``i``."""
    town, thing = _TOWNS[i % len(_TOWNS)], _THINGS[(i // len(_TOWNS)) % len(_THINGS)]
    return (
        f"{town} opens new {thing} after {i % 9 + 2} years of work\n\n"
        f"The new {thing} in {town} opened on Monday, the council said in a statement. "
        f"It cost ${i % 7 + 1}.{i % 10} million, according to figures released by the city. "
        f"Residents had waited since {2010 + i % 12} for the project, which officials called overdue. "
        f"Critics said the {thing} was far too expensive for a town of {1000 + 37 * i} people."
    )


def article_html(i: int) -> str:
    """The same item as a small HTML page with a little page furniture."""
    title, _, body = article_text(i).partition("\n\n")
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in body.rstrip(".").split(". "))
    return (
        f"<html lang='en'><head><title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright 2026 Example Gazette</footer></body></html>"
    )


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write rows as JSONL."""
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def comparable(row: dict[str, Any]) -> dict[str, Any]:
    """An output row without what legitimately differs between runs (timings)."""
    row = json.loads(json.dumps(row))
    if "report" in row:
        row["report"].pop("timings_ms", None)
    return row


class ArticleServer(ThreadingHTTPServer):
    """A local site serving ``/storyN`` pages, a PDF and 404s, recording request overlap and start times."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ArticleHandler)
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.starts: list[float] = []

    @classmethod
    @contextmanager
    def running(cls) -> Iterator[ArticleServer]:
        """Serve in a background thread for the duration of the block."""
        httpd = cls()
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield httpd
        finally:
            httpd.shutdown()
            httpd.server_close()


class ArticleHandler(BaseHTTPRequestHandler):
    server: ArticleServer

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


def url_rows(server: ArticleServer) -> list[dict[str, Any]]:
    """Six article URLs on ``server``, a 404, a PDF and an ftp URL."""
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows: list[dict[str, Any]] = [{"id": f"s{i}", "url": f"{base}/story{i}"} for i in range(6)]
    rows += [{"id": "missing", "url": f"{base}/missing"}, {"id": "pdf", "url": f"{base}/file.pdf"}]
    rows += [{"id": "ftp", "url": "ftp://127.0.0.1/x"}]
    return rows
