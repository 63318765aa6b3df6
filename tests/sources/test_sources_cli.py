"""``factsift source``, the outlet section of ``factsift check``, the report schema and the table build."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

import factsift
from factsift.cli import main
from factsift.schema import report_schema
from factsift.sources import rate
from factsift.sources.build import RATINGS_FILE, build
from factsift.sources.render import render, render_rating
from factsift.sources.table import read_shipped

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED = SHARED / "examples" / "seed-article.txt"
TEXT = (
    "Council Passes The Budget\n\n"
    "The city council passed its budget on Tuesday after a long debate about road repairs and school funding.\n\n"
    "Members voted seven to two in favour. The mayor said the plan would be reviewed again in the spring.\n"
)


def test_source_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["source", "truepundit.com", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["domain"], data["label"]) == ("truepundit.com", "unreliable")
    assert [r["name"] for r in data["raters"]] == ["Lin et al. 2023 (pc1)", "Iffy+ (2021)"]
    assert data["provenance"]
    jsonschema.validate(data, report_schema()["properties"]["source"])


def test_source_command_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["source", "https://www.nytimes.com/2017/01/20/us/politics/x.html"]) == 0
    out = capsys.readouterr().out
    assert "The New York Times" in out and "reliable" in out and "Lin, H." in out


@pytest.mark.parametrize("bad", ["not a domain", "localhost", "ftp://example.com/x", "http://[::1]/"])
def test_source_command_malformed_input_exits_2(capsys: pytest.CaptureFixture[str], bad: str) -> None:
    assert main(["source", bad]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("factsift: error: ")


def test_source_command_with_user_ratings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratings = tmp_path / "desk.csv"
    ratings.write_text("domain,score,label,note\nmy-local-paper.com,0.7,,checked 2025\n", encoding="utf-8")
    assert main(["source", "my-local-paper.com", "--ratings", str(ratings), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["label"], data["table"]) == ("reliable", f"user:{ratings.resolve()}")


def test_check_shows_the_outlet_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "Outlet reliability" in out and "truepundit.com" in out and "unreliable" in out


def test_check_with_a_bad_ratings_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratings = tmp_path / "desk.csv"
    ratings.write_text("domain,score\nmy-local-paper.com,high\n", encoding="utf-8")
    assert main(["check", str(SEED), "--ratings", str(ratings)]) == 2
    assert "line 2" in capsys.readouterr().err


def test_report_with_source_matches_the_schema(tmp_path: Path) -> None:
    ratings = tmp_path / "desk.json"
    ratings.write_text(json.dumps([{"domain": "truepundit.com", "label": "unreliable", "note": "ours"}]), "utf-8")
    for report in (factsift.analyse(str(SEED)), factsift.analyse(str(SEED), ratings=ratings)):
        data = report.to_dict()
        jsonschema.validate(data, report_schema())
        assert data["source"]["domain"] == "truepundit.com"
    assert data["source"]["table"].startswith("user:")


def _page(head: str) -> str:
    paragraphs = "".join(
        f"<p>The council voted on the budget for the {n}th time this year, officials said.</p>" for n in range(8)
    )
    body = f"<body><article><h1>Budget passes</h1>{paragraphs}</article></body>"
    return f"<html><head><title>Budget passes</title>{head}</head>{body}</html>"


def test_html_page_is_rated_by_its_canonical_domain_before_its_site_name() -> None:
    canonical = "<link rel='canonical' href='https://www.nytimes.com/2024/01/01/x.html'>"
    report = factsift.analyse(html=_page(canonical + "<meta property='og:site_name' content='True Pundit'>"))
    assert report.source is not None
    assert (report.source.domain, report.source.name, report.source.matched_by) == (
        "nytimes.com",
        "The New York Times",
        "domain",
    )


def test_html_page_with_only_a_site_name_is_matched_by_name() -> None:
    report = factsift.analyse(html=_page("<meta property='og:site_name' content='True Pundit'>"))
    assert report.source is not None
    assert (report.source.domain, report.source.matched_by) == ("truepundit.com", "name")
    assert report.source.note and "page metadata" in report.source.note


def test_page_text_is_never_rich_markup(tmp_path: Path) -> None:
    ratings = tmp_path / "desk.csv"
    ratings.write_text('domain,score,name,note\nodd.example.com,0.5,[bold]Odd[/x],"[red]note[/red]"\n', "utf-8")
    report = factsift.analyse(text=TEXT, ratings=ratings)
    report.source = rate("odd.example.com", ratings)
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(render(report))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "[bold]Odd[/x]" in out and "[red]note[/red]" in out


def test_render_is_none_without_a_source() -> None:
    report = factsift.analyse(text=TEXT, stages=[])
    assert report.source is None and render(report) is None
    assert render_rating(rate("example-unknown-news.com")) is not None


def test_build_keeps_only_domain_and_pc1_and_marks_iffy(tmp_path: Path) -> None:
    lin = tmp_path / "lin2023_domain_quality"
    lin.mkdir()
    (lin / "domain_ratings.csv").write_text(
        "domain,pc1,afm,mbfc\n"
        "good.example.com,0.91,0.9,1\n"
        "www.good.example.com,0.2,0.1,0\n"
        "bad-news.example.org,0.12,0.1,0\n"
        "youtube.com/somechannel,0.3,0.2,0\n"
        "10.0.0.1,0.5,0.5,0.5\n",
        encoding="utf-8",
    )
    iffy = tmp_path / "iffy_plus_2021"
    iffy.mkdir()
    (iffy / "iffy_plus_full_original.csv").write_text(
        "Domain,MBFC factual,Name\nbad-news.example.org,low,Bad News\nonly-iffy.example.net,very-low,Only Iffy\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "ratings.csv.gz"
    summary = build(tmp_path, out=out, meta=tmp_path / "out" / "meta.json")
    assert summary.rows == 4 and summary.lin_rows == 5 and summary.iffy_rows == 2
    with gzip.open(out, "rt", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["domain", "pc1", "iffy", "name"]  # the per-rater columns are not shipped
    entries = read_shipped(out)
    assert entries["good.example.com"].score == 0.91  # the exact row wins over its www. duplicate
    assert entries["bad-news.example.org"].iffy and entries["bad-news.example.org"].name == "Bad News"
    assert entries["only-iffy.example.net"].score is None and entries["only-iffy.example.net"].iffy
    assert "youtube.com/somechannel" in entries
    assert json.loads((tmp_path / "out" / "meta.json").read_text())["rows"] == 4


def test_shipped_table_is_reproducible_from_the_shared_data(tmp_path: Path) -> None:
    out = tmp_path / "ratings.csv.gz"
    build(SHARED / "data" / "sources", out=out, meta=tmp_path / "meta.json")
    with gzip.open(out, "rb") as fresh, gzip.open(RATINGS_FILE, "rb") as shipped:
        assert fresh.read() == shipped.read()


def test_train_sources_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ratings.csv.gz"
    assert main(["train", "sources", "--data", str(SHARED / "data" / "sources"), "--out", str(out)]) == 0
    assert "domains" in capsys.readouterr().out and out.is_file()
    assert main(["train", "sources", "--data", str(tmp_path), "--out", str(out)]) == 2
