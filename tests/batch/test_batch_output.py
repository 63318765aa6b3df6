"""Output rows: flattened Parquet columns, atomic part files, merge, resume ids, error export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from batch_helpers import article_text

from factsift.batch.encoding import Format, jsonl_line
from factsift.batch.flatten import SCHEMA, flatten_row, worst_verdict
from factsift.batch.output import OutputStore, format_for
from factsift.errors import InputError
from factsift.model import (
    Article,
    FactCheckMatch,
    InputInfo,
    Outlet,
    Report,
    Risk,
    Signal,
    SourceRating,
    Span,
)


def _full_report() -> dict[str, Any]:
    """A report with every stage's section filled in by hand (the stages live on other branches)."""
    report = Report(
        input=InputInfo(kind="url", url="https://news.example.org/story"),
        article=Article(text=article_text(1), title="Title", outlet=Outlet(name="Example News", domain="example.org")),
        source=SourceRating(domain="example.org", name="Example News", score=0.31, label="unreliable"),
        factchecks=[
            FactCheckMatch(claim_index=0, score=0.9, claim_reviewed="c", verdict="mostly-true"),
            FactCheckMatch(claim_index=1, score=0.8, claim_reviewed="d", verdict="false"),
            FactCheckMatch(claim_index=1, score=0.7, claim_reviewed="e", verdict="other"),
        ],
        signals=[
            Signal(name="loaded_language", score=0.62, explanation="x", spans=[Span(0, 3, "The")]),
            Signal(name="clickbait_headline", score=0.91, explanation="y"),
            Signal(name="anonymous_sourcing", score=0.10, explanation="z"),
        ],
        risk=Risk(score=0.77, label="high"),
        stages=["ingest", "sources", "claims", "factchecks", "signals", "risk"],
    )
    return report.to_dict()


def test_flatten_takes_each_column_from_its_stage() -> None:
    flat = flatten_row({"id": "r1", "report": _full_report(), "extra": {"batch": 3}})
    assert set(flat) == set(SCHEMA.names)
    assert flat["url"] == "https://news.example.org/story"
    assert flat["outlet"] == "Example News" and flat["domain"] == "example.org"
    assert flat["source_score"] == 0.31 and flat["source_label"] == "unreliable"
    assert flat["risk_score"] == 0.77 and flat["risk_label"] == "high"
    assert flat["top_signals"] == ["clickbait_headline", "loaded_language"]
    assert json.loads(flat["signal_scores"])["anonymous_sourcing"] == 0.1
    assert flat["factcheck_matches"] == 3 and flat["worst_verdict"] == "false"
    assert flat["claims"] == 0 and flat["error"] is None
    assert json.loads(flat["extra"]) == {"batch": 3}


def test_columns_of_stages_that_did_not_run_are_null() -> None:
    report = Report(input=InputInfo(kind="text"), article=Article(text="Body."), stages=["ingest"]).to_dict()
    flat = flatten_row({"id": "r2", "report": report, "extra": {}})
    for column in ("source_score", "risk_score", "risk_label", "top_signals", "claims", "factcheck_matches"):
        assert flat[column] is None, column
    assert flat["sentences"] == 0 and flat["stages"] == ["ingest"]
    error = flatten_row({"id": "r3", "error": "the input is empty", "url": "https://x.example/", "extra": {}})
    assert error["error"] == "the input is empty" and error["url"] == "https://x.example/"
    assert error["risk_score"] is None and error["title"] is None


def test_worst_verdict_order() -> None:
    assert worst_verdict([]) is None
    assert worst_verdict(["true", "Mostly-False", "mixed"]) == "Mostly-False"
    assert worst_verdict(["other", "mostly-true"]) == "mostly-true"
    assert worst_verdict(["pants on fire?"]) == "pants on fire?"


def test_jsonl_line_puts_id_and_body_first() -> None:
    line = jsonl_line({"extra": {"a": 1}, "report": {"schema": "s"}, "id": "x"})
    assert line.startswith('{"id": "x", "report": ')
    assert line.endswith("\n") and json.loads(line)["extra"] == {"a": 1}


def _rows(ids: list[str], error: bool = False) -> list[dict[str, Any]]:
    if error:
        return [{"id": i, "error": f"bad {i}", "url": None, "extra": {"k": i}} for i in ids]
    return [{"id": i, "report": _full_report(), "extra": {}} for i in ids]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_parts_merge_into_one_output_with_every_id_once(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    store = OutputStore(out, format_for(out, None))
    assert store.format == fmt and store.done_ids() == set()
    store.write_part("run1-00000001", _rows(["b", "c"]))
    store.write_part("run1-00000000", _rows(["a"]) + _rows(["e1"], error=True))
    assert not [p for p in store.parts.iterdir() if p.name.startswith(".tmp")]
    assert store.done_ids() == {"a", "b", "c", "e1"}
    assert store.merge() == 4
    assert not store.parts.exists()
    # a crash after the merge but before the clean-up leaves parts that repeat ids: the merge keeps one
    store.write_part("run2-00000000", _rows(["c", "d"]))
    assert store.merge() == 5
    if fmt == "jsonl":
        ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    else:
        table = pq.read_table(out)
        assert table.schema.equals(SCHEMA)
        ids = table.column("id").to_pylist()
    assert ids == ["a", "b", "c", "d", "e1"]  # reports in part order, then the error rows
    errors = tmp_path / "errors.jsonl"
    assert store.write_errors(errors) == 1
    assert [json.loads(line) for line in errors.read_text().splitlines()] == [
        {"id": "e1", "error": "bad e1", "url": None, "extra": {"k": "e1"}}
    ]


def test_format_for() -> None:
    assert format_for(Path("x.parquet"), None) == "parquet"
    assert format_for(Path("x.jsonl"), None) == "jsonl"
    assert format_for(Path("x.out"), "parquet") == "parquet"


def test_an_output_in_another_format_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a", "report": {}}\n', encoding="utf-8")
    with pytest.raises(InputError, match="not a parquet output"):
        OutputStore(out, "parquet").done_ids()


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_nothing_to_do_still_writes_a_valid_empty_output(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    store = OutputStore(out, format_for(out, None))
    assert store.merge() == 0 and out.exists()
    assert store.done_ids() == set()
    if fmt == "parquet":
        assert pq.read_table(out).schema.equals(SCHEMA)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_rows_encoded_on_a_worker_carry_what_the_summary_counts(fmt: str) -> None:
    from factsift.batch.encoding import encode_row

    report = encode_row({"id": 7, "report": _full_report(), "extra": {}}, fmt)
    error = encode_row({"id": "e", "error": "the input is empty", "url": None, "extra": {}}, fmt)
    assert (report.id, report.error, report.risk_label) == ("7", False, "high")
    assert (error.id, error.error, error.risk_label) == ("e", True, None)
    if fmt == "jsonl":
        assert isinstance(report.data, str) and json.loads(report.data)["report"]["risk"]["label"] == "high"
    else:
        assert isinstance(report.data, dict)
        assert (report.data["risk_label"], report.data["risk_score"]) == ("high", 0.77)


def test_a_jsonl_line_holds_the_row_even_with_a_lone_surrogate_or_a_huge_number() -> None:
    row = {"id": "s1", "report": {"text": "broken \udc80 byte", "n": 10**30, "x": 0.1}, "extra": {1: "a"}}
    line = jsonl_line(row)
    assert line.startswith('{"id": "s1", "report": {') and line.endswith("}\n")
    line.encode("utf-8")  # writable to the UTF-8 output file
    assert json.loads(line) == {
        "id": "s1",
        "report": {"text": "broken \udc80 byte", "n": 10**30, "x": 0.1},
        "extra": {"1": "a"},
    }
    assert json.loads(jsonl_line({"extra": {"a": [1, 2]}, "error": "bad", "id": 3})) == {
        "id": 3,
        "error": "bad",
        "extra": {"a": [1, 2]},
    }


def test_rows_encoded_for_the_other_format_are_refused_not_dropped(tmp_path: Path) -> None:
    from factsift.batch.encoding import encode_row

    store = OutputStore(tmp_path / "out.parquet", "parquet")
    row = encode_row({"id": "a", "report": _full_report(), "extra": {}}, "jsonl")
    with pytest.raises(ValueError, match="another format"):
        store.write_encoded("run1-00000000", [row])
    assert store.done_ids() == set()


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
@pytest.mark.parametrize("text", ["plain text", "broken \udc80 byte"])
def test_a_report_object_is_written_exactly_as_its_json_form(fmt: Format, text: str) -> None:
    from factsift.batch.encoding import encode_row

    report = Report(
        input=InputInfo(kind="text"),
        article=Article(text=text, title="T", outlet=Outlet(name=None, domain=None)),
        risk=Risk(score=0.4, label="elevated"),
        timings_ms={"ingest": 1.5},
    )
    direct = encode_row({"id": "r", "report": report, "extra": {"n": 1}}, fmt)
    via_dict = encode_row({"id": "r", "report": report.to_dict(), "extra": {"n": 1}}, fmt)
    assert direct == via_dict and direct.risk_label == "elevated"
    assert list(report.to_dict())[:2] == ["schema", "version"]
