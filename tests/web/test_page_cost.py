"""The report page under hostile span counts: linear highlighting, a render cap, and stopping for a gone client."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from fastapi.testclient import TestClient
from starlette.types import Message

from factsift.web import pages
from factsift.web.highlight import Mark, segments
from factsift.web.view import MAX_PAGE_MARKS, build_view


class CountingMark(Mark):
    """A mark that counts how often any mark's ``start`` is read (a load-independent cost measure)."""

    reads: ClassVar[list[int]] = [0]

    def __getattribute__(self, name: str) -> Any:
        if name == "start":
            CountingMark.reads[0] += 1
        return object.__getattribute__(self, name)


def test_highlighting_reads_each_mark_a_bounded_number_of_times() -> None:
    count = 4_000
    text = "SHOCKING!! " * count
    marks = [CountingMark(f"m{i}", "signal", "caps", "Caps", "", 11 * i, 11 * i + 8) for i in range(count)]
    CountingMark.reads[0] = 0
    parts = segments(text, marks)
    assert "".join(part.text for part in parts) == text
    assert sum(1 for part in parts if part.marks) == count
    # Comparing every mark with every segment reads ``start`` count × 2·count times (32 million here).
    assert CountingMark.reads[0] <= 10 * count


def hostile_report(spans: int) -> dict[str, Any]:
    """A report whose one signal marks ``spans`` short passages."""
    text = "SHOCKING!! BOMBSHELL!! " * (spans // 2 + 1)
    marked = [{"start": 11 * i + (i % 2), "end": 11 * i + (i % 2) + 8} for i in range(spans)]
    return {
        "article": {"title": "Hostile", "text": text},
        "signals": [{"name": "sensational_caps", "score": 1.0, "explanation": "capitals", "spans": marked}],
    }


def test_the_page_renders_at_most_the_cap_and_says_so(client: TestClient) -> None:
    report = hostile_report(MAX_PAGE_MARKS + 500)
    view = build_view(report)
    assert len(view.marks) == MAX_PAGE_MARKS and view.hidden_marks == 500
    summary = client.app.state.store.save(report)  # type: ignore[attr-defined]
    page = client.get(f"/a/{summary.id}")
    assert page.status_code == 200
    assert 'id="marks-capped"' in page.text and "500 more" in page.text
    assert page.text.count('data-marks="') == MAX_PAGE_MARKS


def test_a_gone_client_stops_the_page_before_it_is_laid_out(client: TestClient, monkeypatch: Any) -> None:
    summary = client.app.state.store.save(hostile_report(10))  # type: ignore[attr-defined]
    laid_out: list[int] = []
    monkeypatch.setattr(pages, "build_view", lambda report: laid_out.append(1) or build_view(report))
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": f"/a/{summary.id}",
        "raw_path": f"/a/{summary.id}".encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    for message_type in ("http.disconnect", "http.request"):

        async def receive(message_type: str = message_type) -> Message:
            return {"type": message_type, "body": b"", "more_body": False}

        asyncio.run(client.app(scope, receive, send))  # type: ignore[arg-type]
    assert laid_out == [1]  # only for the client still there
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [200]
