"""A watcher killed with SIGKILL in the middle of a poll resumes: every item archived once, every alert sent once;
the long-running watcher stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from .conftest import article_html, rss

ARTICLES = 12
KILL_AT_REQUEST = 10


def _run(config: Path, env: dict[str, str], *flags: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "factsift", "watch", "--config", str(config), "--quiet", *flags],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_sigkill_mid_poll_then_restart_archives_and_alerts_exactly_once(
    httpserver: HTTPServer, store_path: Path, tmp_path: Path
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, [f"/story/{n}" for n in range(ARTICLES)]), content_type="application/rss+xml"
    )
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    served = {"count": 0}
    victim: dict[str, subprocess.Popen[bytes]] = {}
    lock = threading.Lock()

    def story(request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[-1])
        with lock:
            served["count"] += 1
            if served["count"] == KILL_AT_REQUEST and "first" in victim:
                os.kill(victim["first"].pid, signal.SIGKILL)
        return Response(article_html(number, title=f"Budget story {number}"), content_type="text/html")

    httpserver.expect_request(__import__("re").compile(r"/story/\d+")).respond_with_handler(story)
    received: list[str] = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: (received.append(request.get_json()["id"]), Response("ok"))[1]
    )
    alerts = tmp_path / "alerts.jsonl"
    config = tmp_path / "watch.toml"
    config.write_text(
        f"""
[watch]
db = "{store_path}"
allow_private = true
fast = true
workers = 0
per_host_interval = 0
fetch_threads = 1

[[feeds]]
url = "{base}/feed.xml"

[[rules]]
name = "budget"
keywords = ["budget"]

[[sinks]]
type = "jsonl"
path = "{alerts}"

[[sinks]]
type = "webhook"
url = "{base}/hook"
"""
    )
    env = {**os.environ, "FACTSIFT_DB": str(store_path)}
    first = _run(config, env, "--once")
    victim["first"] = first
    first.communicate(timeout=180)
    assert first.returncode == -signal.SIGKILL, "the watcher was killed mid-poll"
    with sqlite3.connect(store_path) as db:
        (kept_before,) = db.execute("SELECT count(*) FROM watch_articles").fetchone()
    assert 0 < kept_before < ARTICLES, "the kill came after some articles were kept and before the last"

    second = _run(config, env)  # the long-running watcher this time: it stops cleanly on SIGTERM
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and second.poll() is None:
        with sqlite3.connect(store_path) as db:
            sent = db.execute("SELECT count(*) FROM watch_deliveries WHERE state = 'sent'").fetchone()[0]
        if sent == 2 * ARTICLES:
            break
        time.sleep(0.2)
    second.send_signal(signal.SIGTERM)
    _, stderr = second.communicate(timeout=60)
    assert second.returncode == 0 and "stopped" in stderr.decode(), stderr.decode()
    with sqlite3.connect(store_path) as db:
        (kept,) = db.execute("SELECT count(*) FROM watch_articles").fetchone()
        (analyses,) = db.execute("SELECT count(*) FROM web_analyses").fetchone()
        states = dict(db.execute("SELECT state, count(*) FROM watch_items GROUP BY state").fetchall())
        (queued,) = db.execute("SELECT count(*) FROM watch_alerts").fetchone()
        undelivered = db.execute("SELECT count(*) FROM watch_deliveries WHERE state != 'sent'").fetchone()[0]
    assert kept == analyses == ARTICLES and states == {"done": ARTICLES}
    written = [json.loads(line)["id"] for line in alerts.read_text().splitlines()]
    assert queued == ARTICLES and len(written) == len(set(written)) == ARTICLES
    assert sorted(received) == sorted(written) and undelivered == 0
