"""Fictional news pages and their analysed reports for the archive's ingestion tests (no real outlet's words)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from factsift.analyser import Analyser
from factsift.batch.encoding import jsonl_line
from factsift.config import Config
from factsift.options import Options

#: (title, published, paragraphs) of fictional articles, each on its own topic.
STORIES: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    (
        "Pentagon denies joint strikes with Russia",
        "2017-01-24",
        (
            "The Defense Department on Tuesday denied that Russian aircraft had joined American strikes in Syria.",
            "Captain Jeff Davis told reporters that the United States had not coordinated any air strikes with Russia.",
            "Russian officials had claimed on Monday that the two air forces carried out a joint operation.",
        ),
    ),
    (
        "Harbour ferry returns after six weeks of repairs",
        "2017-01-20",
        (
            "The harbour ferry returned to service on Monday after six weeks of repairs to its engines.",
            "The operator said 4,200 passengers a day had used the replacement buses since early December.",
            "Repairs cost 1.3 million dollars, according to the port authority's annual report.",
        ),
    ),
    (
        "County library budget cut by a third",
        None,
        (
            "The county council voted 7 to 2 on Wednesday to cut the library budget by a third.",
            "Three branches will close on Sundays from March, the council's finance office said.",
            "The librarians' union said 40 jobs were at risk and called the vote rushed.",
        ),
    ),
)


def page_html(title: str, published: str | None, paragraphs: tuple[str, ...]) -> str:
    """A news page: headline, publication date (if any) and body paragraphs."""
    date = f'<meta property="article:published_time" content="{published}T09:00:00Z">' if published else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title>{date}</head>"
        f"<body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    )


def analyser() -> Analyser:
    """The analyser ``factsift archive add`` uses for pages: sources and claims, fast (no environment read)."""
    return Analyser(Config.from_options(Options(fast=True, stages=["sources", "claims"])))


def report_of(html: str, url: str | None, using: Analyser) -> dict[str, Any]:
    """The JSON form of the report of one page."""
    return using.analyse(html=html, url=url).to_dict()


def write_batch_output(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write ``rows`` (``{"id", "report"}`` or ``{"id", "error"}``) as ``factsift batch`` writes its JSONL output."""
    path.write_text("".join(jsonl_line({**row, "extra": {}}) for row in rows), encoding="utf-8")
    return path


def write_report(path: Path, report: dict[str, Any]) -> Path:
    """Write one report as ``factsift check --format json`` writes it."""
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def write_warc(path: Path, pages: list[tuple[str, str]]) -> Path:
    """A gzipped WARC holding, for each ``(url, html)``, a request and a 200 response; and one 404 response."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, html in pages:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=headers)
            writer.write_record(record)
        missing = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://gone.example/missing", "response", payload=io.BytesIO(b"<p>gone</p>"), http_headers=missing
            )
        )
    return path
