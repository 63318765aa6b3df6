"""URL inputs: fetched with the CLI's guards, at most N requests per host, spaced by the delay."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from batch_helpers import ArticleServer, article_html, read_jsonl, url_rows, write_jsonl

from factsift.batch import BatchConfig, run_batch
from factsift.batch.politeness import Politeness


@pytest.fixture
def server() -> Iterator[ArticleServer]:
    with ArticleServer.running() as httpd:
        yield httpd


def _input(tmp_path: Path, server: ArticleServer) -> Path:
    return write_jsonl(tmp_path / "urls.jsonl", url_rows(server))


def test_private_addresses_are_refused_without_allow_private(tmp_path: Path, server: ArticleServer) -> None:
    out = tmp_path / "out.jsonl"
    summary = run_batch(BatchConfig(inputs=[_input(tmp_path, server)], out=out, workers=1, progress=False))
    assert summary.errors == 9 and server.starts == []
    rows = {row["id"]: row for row in read_jsonl(out)}
    assert "refusing to fetch" in rows["s0"]["error"] and rows["s0"]["url"].endswith("/story0")
    assert "http and https" in rows["ftp"]["error"]


def test_fetching_is_polite_per_host_across_workers(tmp_path: Path, server: ArticleServer) -> None:
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


def test_two_slots_per_host_allow_two_requests_at_once(tmp_path: Path, server: ArticleServer) -> None:
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
