"""End-to-end batch runs on the local process pool: every input format, both outputs, resume."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from batch_helpers import article_html, article_text, comparable, read_jsonl, write_jsonl
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from factsift import analyse
from factsift.batch import BatchConfig, run_batch
from factsift.cli import main

SEED = Path(__file__).resolve().parents[3] / "shared" / "examples" / "seed-article.txt"


def _jsonl_input(tmp_path: Path) -> Path:
    rows: list[dict[str, object]] = [{"id": f"t{i}", "text": article_text(i), "batch": "may"} for i in range(6)]
    rows += [{"id": f"h{i}", "html": article_html(i)} for i in range(3)]
    rows += [
        {"id": "seed", "text": SEED.read_text(encoding="utf-8")},
        {"id": "empty", "text": " "},
        {"id": "t0", "text": "a repeated id is analysed once"},
        {"id": "binary", "text": "\x00\x01\x02" * 50},
    ]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{this is not json\n")
    return path


def test_jsonl_to_jsonl_with_error_records_and_resume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _jsonl_input(tmp_path)
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    argv = ["batch", str(source), "--out", str(out), "--errors", str(errors), "--workers", "2", "--chunk-size", "3"]
    assert main([*argv, "--no-progress"]) == 0
    summary = capsys.readouterr().err
    assert "13 articles" in summary and "10 reports, 3 errors" in summary and "articles/s" in summary
    assert "repeated ids" in summary
    rows = read_jsonl(out)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == 13
    by_id = {row["id"]: row for row in rows}
    assert by_id["t1"]["extra"] == {"batch": "may"}
    assert by_id["t0"]["report"]["article"]["title"] == article_text(0).split("\n")[0]
    assert (
        comparable(by_id["t2"])["report"] == comparable({"report": analyse(text=article_text(2)).to_dict()})["report"]
    )
    assert (
        comparable(by_id["h1"])["report"] == comparable({"report": analyse(html=article_html(1)).to_dict()})["report"]
    )
    assert len(by_id["seed"]["report"]["article"]["sentences"]) > 5
    assert "empty" in by_id["empty"]["error"]
    assert "control characters" in by_id["binary"]["error"] or "binary" in by_id["binary"]["error"]
    assert "not valid JSON" in by_id["in.jsonl:14"]["error"]
    error_ids = {row["id"] for row in read_jsonl(errors)}
    assert error_ids == {"empty", "binary", "in.jsonl:14"}

    before = out.read_bytes()
    assert main([*argv, "--no-progress"]) == 0
    again = capsys.readouterr().err
    assert "0 articles" in again and "skipped 14 rows whose id is already in the output" in again
    assert out.read_bytes() == before
    assert {row["id"] for row in read_jsonl(errors)} == error_ids


def _warc(path: Path) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            "https://www.gazette.example/news/story",
            "response",
            payload=io.BytesIO(article_html(9).encode()),
            http_headers=headers,
        )
        writer.write_record(record)


def test_csv_directory_and_warc_to_parquet(tmp_path: Path) -> None:
    csv_path = tmp_path / "in.csv"
    csv_path.write_text(f'id,text,desk\nc1,"{article_text(11)}",metro\nc2,,metro\n', encoding="utf-8")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "p.html").write_text(article_html(12), encoding="utf-8")
    (pages / "q.txt").write_text(article_text(13), encoding="utf-8")
    warc = tmp_path / "crawl.warc.gz"
    _warc(warc)
    out = tmp_path / "out.parquet"
    summary = run_batch(BatchConfig(inputs=[csv_path, pages, warc], out=out, workers=1, chunk_size=2, progress=False))
    assert (summary.processed, summary.reports, summary.errors) == (5, 4, 1)
    table = pq.read_table(out)
    rows = {row["id"]: row for row in table.to_pylist()}
    assert set(rows) == {"c1", "c2", "p.html", "q.txt"} | {i for i in rows if i.startswith("<urn:uuid:")}
    assert len(rows) == 5
    assert json.loads(rows["c1"]["extra"]) == {"desk": "metro"}
    assert rows["c1"]["title"] == article_text(11).split("\n")[0] and rows["c1"]["error"] is None
    assert rows["c2"]["error"] and rows["c2"]["title"] is None
    crawled = next(row for i, row in rows.items() if i.startswith("<urn:uuid:"))
    assert crawled["url"] == "https://www.gazette.example/news/story"
    assert crawled["domain"] == "gazette.example"
    assert "warc_date" in json.loads(crawled["extra"])


def test_bad_arguments_fail_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": article_text(1)}])
    assert main(["batch", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "no such input" in capsys.readouterr().err
    assert main(["batch", str(source), "--out", str(tmp_path / "o.jsonl"), "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_progress_bar_shows_rate_and_total(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": str(i), "text": article_text(i)} for i in range(5)])
    assert main(["batch", str(source), "--out", str(tmp_path / "o.parquet"), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "5/5" in err and "article/s" in err and "100%" in err
    assert "risk: " in err and "5 reports, 0 errors" in err and "output:" in err


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_retry_errors_replaces_an_error_row_by_its_report(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"out{suffix}"
    first = write_jsonl(tmp_path / "first.jsonl", [{"id": "ok", "text": article_text(1)}, {"id": "late", "text": " "}])
    # the same id, now analysable (in real life: the site that timed out answers this time)
    second = write_jsonl(tmp_path / "second.jsonl", [{"id": "late", "text": article_text(2)}])

    def rows() -> dict[str, dict[str, object]]:
        if suffix == ".jsonl":
            return {str(row["id"]): row for row in read_jsonl(out)}
        return {str(row["id"]): row for row in pq.read_table(out).to_pylist()}

    def run(source: Path, retry: bool) -> None:
        config = BatchConfig(inputs=[source], out=out, workers=1, progress=False, retry_errors=retry)
        run_batch(config)

    run(first, retry=False)
    assert rows()["late"]["error"] and "ok" in rows()
    run(second, retry=False)  # without the flag an error row counts as done
    assert rows()["late"]["error"]
    run(second, retry=True)
    after = rows()
    assert set(after) == {"ok", "late"}
    assert not after["late"].get("error")
    title = after["late"]["report"]["article"]["title"] if suffix == ".jsonl" else after["late"]["title"]
    assert title == article_text(2).split("\n")[0]
