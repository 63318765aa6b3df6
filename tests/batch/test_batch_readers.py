"""Streaming readers: JSONL, CSV, a directory of pages, WARC — and bad rows as records."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from batch_helpers import article_html, article_text, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from factsift.batch.readers import count_records, input_format, read_csv, read_input, read_jsonl
from factsift.batch.records import BadRecord, InputRecord, record_from_fields
from factsift.errors import InputError

LIMIT = 1024 * 1024


def test_jsonl_rows_keep_extra_fields_and_bad_rows_become_records(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": article_text(1), "lang": "en", "tags": ["x"]}),
                json.dumps({"id": 7, "html": article_html(2)}),
                json.dumps({"id": "u", "url": "https://example.com/story"}),
                "",
                "{broken",
                json.dumps([1, 2]),
                json.dumps({"text": "no id here"}),
                json.dumps({"id": "empty", "text": "   "}),
                json.dumps({"id": "both", "text": "a", "html": "<p>b</p>"}),
                json.dumps({"id": "num", "text": 5}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    records = list(read_jsonl(path, max_bytes=LIMIT))
    assert [r.id for r in records] == ["a", "7", "u", "in.jsonl:5", "in.jsonl:6", "in.jsonl:7", "empty", "both", "num"]
    first = records[0]
    assert isinstance(first, InputRecord) and first.text == article_text(1)
    assert first.extra == {"lang": "en", "tags": ["x"]}
    assert isinstance(records[1], InputRecord) and records[1].html == article_html(2)
    assert isinstance(records[2], InputRecord) and records[2].url == "https://example.com/story"
    reasons = {r.id: r.reason for r in records if isinstance(r, BadRecord)}
    assert "not valid JSON" in reasons["in.jsonl:5"]
    assert "JSON object" in reasons["in.jsonl:6"]
    assert "'id'" in reasons["in.jsonl:7"]
    assert "empty" in reasons["empty"]
    assert "both" in reasons["both"]
    assert "string" in reasons["num"]


def test_jsonl_over_long_line_is_an_error_and_reading_goes_on(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "big.jsonl", [{"id": "huge", "text": "x" * 5000}, {"id": "ok", "text": article_text(3)}]
    )
    records = list(read_jsonl(path, max_bytes=1000))
    assert isinstance(records[0], BadRecord) and "limit" in records[0].reason
    assert isinstance(records[1], InputRecord) and records[1].id == "ok"


def test_jsonl_is_read_lazily(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [{"id": str(i), "text": article_text(i)} for i in range(3)])
    stream = read_jsonl(path, max_bytes=LIMIT)
    assert next(stream).id == "0"
    with path.open("a", encoding="utf-8") as handle:  # rows appended after reading started are still seen
        handle.write(json.dumps({"id": "late", "text": "Late text"}) + "\n")
    assert [r.id for r in stream] == ["1", "2", "late"]


def test_csv_rows_with_quoted_newlines_extra_columns_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "id,text,url,section\n"
        f'c1,"{article_text(4)}",https://news.example.org/a,local\n'
        ",orphan text,,\n"
        "c3,too,many,cells,here\n"
        "c4,,https://news.example.org/b,\n",
        encoding="utf-8",
    )
    records = list(read_csv(path, max_bytes=LIMIT))
    assert [r.id for r in records] == ["c1", "in.csv:5", "c3", "c4"]
    first = records[0]
    assert isinstance(first, InputRecord)
    assert first.text == article_text(4) and "\n\n" in first.text
    assert first.url == "https://news.example.org/a" and first.extra == {"section": "local"}
    assert isinstance(records[1], BadRecord) and isinstance(records[2], BadRecord)
    assert isinstance(records[3], InputRecord) and records[3].url and records[3].text is None
    assert count_records(path) == 4


def test_directory_of_pages(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    (root / "sub").mkdir(parents=True)
    (root / "one.html").write_text(article_html(5), encoding="utf-8")
    (root / "sub" / "two.txt").write_text(article_text(6), encoding="utf-8")
    (root / "notes.md").write_text("not an article", encoding="utf-8")
    records = list(read_input(root, max_bytes=LIMIT))
    assert [r.id for r in records] == ["one.html", "sub/two.txt"]
    assert isinstance(records[0], InputRecord) and records[0].html == article_html(5).encode()
    assert isinstance(records[1], InputRecord) and records[1].text == article_text(6).encode()
    big = list(read_input(root, max_bytes=100))
    assert all(isinstance(r, BadRecord) and "limit" in r.reason for r in big)
    assert count_records(root) == 2


def _warc(path: Path, gzip: bool) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)

        def response(url: str, status: str, ctype: str, body: bytes) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )

        request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
        writer.write_record(
            writer.create_warc_record(
                "https://news.example.org/a", "request", payload=io.BytesIO(b""), http_headers=request
            )
        )
        response("https://news.example.org/a", "200 OK", "text/html; charset=utf-8", article_html(7).encode())
        response("https://news.example.org/gone", "404 Not Found", "text/html", b"<p>gone</p>")
        response("https://news.example.org/logo.png", "200 OK", "image/png", b"\x89PNG....")
        response("https://news.example.org/b.txt", "200 OK", "text/plain", article_text(8).encode())


@pytest.mark.parametrize("gzip", [True, False])
def test_warc_pages_are_read_with_their_urls(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    _warc(path, gzip)
    assert input_format(path) == "warc"
    records = list(read_input(path, max_bytes=LIMIT))
    assert len(records) == 2 and count_records(path) == 2
    page, text = records
    assert isinstance(page, InputRecord) and isinstance(text, InputRecord)
    assert page.id.startswith("<urn:uuid:") and page.url == "https://news.example.org/a"
    assert page.html == article_html(7).encode() and page.text is None
    assert text.text == article_text(8).encode() and text.url == "https://news.example.org/b.txt"
    assert page.extra["warc_file"] == path.name and page.extra["warc_date"]


def test_unknown_input_format_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(InputError):
        input_format(path)
    with pytest.raises(InputError):
        input_format(tmp_path / "missing.jsonl")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # timing checks fail on a loaded machine
@given(st.dictionaries(st.sampled_from(["id", "url", "html", "text", "x"]), _JSON, max_size=5))
def test_any_object_becomes_a_record_never_an_exception(fields: dict[str, object]) -> None:
    record = record_from_fields(fields, "f:1")
    assert isinstance(record, InputRecord | BadRecord)
    if isinstance(record, InputRecord):
        assert [record.url is not None, record.html is not None or record.text is not None].count(True) >= 1


@settings(max_examples=50, deadline=None)
@given(st.lists(st.binary(max_size=60), max_size=8))
def test_any_bytes_in_a_jsonl_file_never_stop_the_reader(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes]
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    path.write_bytes(b"\n".join(lines))
    records = list(read_jsonl(path, max_bytes=40))
    assert all(isinstance(r, InputRecord | BadRecord) for r in records)
