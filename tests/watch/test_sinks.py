"""Alert sinks: a JSONL file, a webhook (plain and Slack-shaped), SMTP with STARTTLS; failures retried."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from pytest_httpserver import HTTPServer

from factsift.watch.sinks import JsonlSink, SmtpSink, WebhookSink, deliver_pending
from factsift.watch.store import Alert, ArchivedArticle, PendingItem, SQLiteArchiveStore

ALERT = {"id": "a1", "rule": "risky", "title": "T", "url": "https://x.example/1", "link": "/a/x", "reasons": ["r"]}


def test_jsonl_sink_writes_each_id_once_even_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    JsonlSink("f", path).send(ALERT)
    JsonlSink("f", path).send(ALERT)  # a new sink object: as after a restart
    JsonlSink("f", path).send({**ALERT, "id": "a2"})
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["a1", "a2"]


def test_webhook_plain_and_slack(httpserver: HTTPServer) -> None:
    received: list[tuple[dict[str, Any], str | None]] = []

    def hook(request: Any) -> Any:
        from werkzeug import Response

        received.append((request.get_json(), request.headers.get("Idempotency-Key")))
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)
    WebhookSink("w", httpserver.url_for("/hook")).send(ALERT)
    WebhookSink("s", httpserver.url_for("/hook"), slack=True).send(ALERT)
    (plain, key), (slack, _) = received
    assert plain == ALERT and key == "a1"
    assert "[risky] T" in slack["text"] and slack["alert"]["id"] == "a1"


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


def test_smtp_with_starttls(tmp_path: Path) -> None:
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port on 127.0.0.1 (aiosmtpd needs a real one to check it started)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    try:
        sink = SmtpSink("mail", "127.0.0.1", "watch@x.example", ["desk@x.example"], port=port, cafile=str(cert))
        sink.send(ALERT)
    finally:
        controller.stop()
    (message,) = inbox.messages
    assert b"Subject: [factsift] risky: T" in message and b"Message-ID: <a1@factsift.alerts>" in message


def _store_with_alert(path: Path, sinks: list[str]) -> SQLiteArchiveStore:
    store = SQLiteArchiveStore(path)
    store.set_sinks(sinks)
    item = PendingItem("k", "https://x.example/1", "feed", "T", None, 0)
    store.add_items("feed", [("k", item.url, "T", None)], 0.0)
    report = {"article": {"title": "T", "text": "x"}}
    article = ArchivedArticle("x", item, time.time(), report, json.dumps(report), "x", None)
    article.alerts = [Alert("a1", "risky", "x", ALERT)]
    assert store.archive(article)
    return store


def test_a_failing_sink_is_retried_later_and_does_not_stop_the_others(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/down", method="POST").respond_with_data("no", status=503)
    store = _store_with_alert(tmp_path / "s.db", ["hook", "file"])
    sinks = {"hook": WebhookSink("hook", httpserver.url_for("/down")), "file": JsonlSink("file", tmp_path / "a.jsonl")}
    try:
        before = time.time()
        assert deliver_pending(store, sinks) == (1, 1)
        assert deliver_pending(store, sinks) == (0, 0), "the failed one waits for its backoff"
        (retry,) = store.pending_deliveries(before + 1e6, 10)
        assert retry.sink == "hook" and retry.attempts == 1
        ((_, deliveries),) = store.alerts(10)
        assert {(sink, state) for sink, state, _, _ in deliveries} == {("file", "sent"), ("hook", "pending")}
    finally:
        store.close()
    assert len((tmp_path / "a.jsonl").read_text().splitlines()) == 1
