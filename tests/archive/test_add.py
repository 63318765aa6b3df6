"""``factsift archive add``: reports kept as they are, pages and crawls analysed, one transaction, clear errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factsift.analyser import Analyser
from factsift.archive.adding import add_files
from factsift.archive.keep import kept_article, url_article_id
from factsift.archive.store import ArticleArchive, open_article_archive
from factsift.cli import main
from factsift.errors import InputError

from .pages import STORIES, analyser, page_html, report_of, write_batch_output, write_report, write_warc

URLS = ("https://wire.example/pentagon-denial", "https://harbour.example/ferry", "https://county.example/library")


@pytest.fixture(scope="module")
def using() -> Analyser:
    return analyser()


@pytest.fixture(scope="module")
def reports(using: Analyser) -> list[dict[str, Any]]:
    """The reports of the three fictional stories, each at its outlet's URL."""
    return [report_of(page_html(*story), url, using) for story, url in zip(STORIES, URLS, strict=True)]


@pytest.fixture(params=["sqlite", "postgresql"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArticleArchive]:
    """An empty archive in a SQLite file and in a PostgreSQL schema."""
    url = str(tmp_path / "store.db") if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))
    opened = open_article_archive(url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_archive(tmp_path: Path) -> Iterator[ArticleArchive]:
    """An empty archive in a SQLite file (for what does not depend on the backend)."""
    opened = open_article_archive(tmp_path / "store.db")
    yield opened
    opened.close()


def _counts(summary: Any) -> tuple[int, int, int]:
    return summary.counts.added, summary.counts.updated, summary.counts.unchanged


def test_batch_output_is_kept_without_analysis_and_re_adding_changes_nothing(
    archive: ArticleArchive, reports: list[dict[str, Any]], tmp_path: Path
) -> None:
    rows = [{"id": str(i), "report": report} for i, report in enumerate(reports)]
    rows.insert(1, {"id": "bad", "error": "fetch failed: 503", "url": "https://down.example/"})
    output = write_batch_output(tmp_path / "results.jsonl", rows)
    first = add_files(archive, [output])  # no analyser: reports are never analysed again
    assert _counts(first) == (3, 0, 0) and first.batch_errors == 1 and first.analysed == 0
    kept = archive.get([url_article_id(url) for url in URLS])
    assert {article.url for article in kept.values()} == set(URLS)
    assert kept[url_article_id(URLS[0])] == kept_article(reports[0])
    revision = archive.revision()
    again = add_files(archive, [output])
    assert _counts(again) == (0, 0, 3) and archive.revision() == revision


def test_a_changed_article_at_the_same_url_is_updated(
    archive: ArticleArchive, reports: list[dict[str, Any]], using: Analyser, tmp_path: Path
) -> None:
    add_files(archive, [write_report(tmp_path / "first.json", reports[1])])
    title, published, paragraphs = STORIES[1]
    corrected = (*paragraphs[:2], "Repairs cost 1.8 million dollars, the port authority said in a correction.")
    changed = report_of(page_html(title, published, corrected), URLS[1] + "?utm_source=feed", using)
    summary = add_files(archive, [write_report(tmp_path / "changed.json", changed)])
    assert _counts(summary) == (0, 1, 0)
    (article,) = archive.get([url_article_id(URLS[1])]).values()
    assert "1.8 million" in article.text and "1.3 million" not in article.text
    assert archive.stats()["articles"] == 1


def test_a_bad_line_anywhere_leaves_the_archive_unchanged_and_says_where(
    archive: ArticleArchive, reports: list[dict[str, Any]], tmp_path: Path
) -> None:
    add_files(archive, [write_report(tmp_path / "kept.json", reports[0])])
    before, revision = archive.stats(), archive.revision()
    output = write_batch_output(tmp_path / "results.jsonl", [{"id": "1", "report": reports[1]}])
    with output.open("a") as handle:
        handle.write('{"id": "2", "report": {"article": {"text": "cut off"\n')
    changed = {**reports[0], "article": {**reports[0]["article"], "title": "A new headline"}}
    with pytest.raises(InputError, match=r"results\.jsonl:2: not valid JSON.*nothing was added"):
        add_files(archive, [write_report(tmp_path / "changed.json", changed), output])
    assert archive.stats() == before and archive.revision() == revision
    assert archive.get([url_article_id(URLS[0])])[url_article_id(URLS[0])].title == STORIES[0][0]


def test_skip_bad_adds_the_rest_and_lists_what_was_left_out(
    sqlite_archive: ArticleArchive, reports: list[dict[str, Any]], tmp_path: Path
) -> None:
    output = tmp_path / "results.jsonl"
    output.write_text(
        json.dumps({"id": "1", "report": reports[0]}) + "\nnot json\n" + json.dumps({"id": "3", "report": [1]}) + "\n"
    )
    summary = add_files(sqlite_archive, [output], skip_bad=True)
    assert _counts(summary) == (1, 0, 0)
    assert [problem.split(":", 2)[:2] for problem in summary.skipped] == [
        ["results.jsonl", "2"],
        ["results.jsonl", "3"],
    ]
    assert "'report' is not a JSON object" in summary.skipped[1]


def test_a_folder_of_pages_is_analysed_then_kept_and_re_adding_changes_nothing(
    sqlite_archive: ArticleArchive, using: Analyser, tmp_path: Path
) -> None:
    folder = tmp_path / "pages"
    (folder / "2017").mkdir(parents=True)
    for number, story in enumerate(STORIES):
        (folder / "2017" / f"story-{number}.html").write_text(page_html(*story), encoding="utf-8")
    (folder / "notes.txt").write_text(
        "Ferry operator adds night crossings\n\nThe ferry operator will run two night crossings from April, "
        "its chief executive said on Friday.",
        encoding="utf-8",
    )
    (folder / "image.png").write_bytes(b"\x89PNG not an article")
    first = add_files(sqlite_archive, [folder], using)
    assert _counts(first) == (4, 0, 0) and first.analysed == 4
    stats = sqlite_archive.stats()
    assert (stats["first"], stats["last"], stats["undated"]) == ("2017-01-20", "2017-01-24", 2)
    titles = {a.title for a in sqlite_archive.missing_vectors("any-model", 10)}
    assert {story[0] for story in STORIES} <= titles
    assert _counts(add_files(sqlite_archive, [folder], using)) == (0, 0, 4)


def test_a_folder_keeps_its_reports_and_batch_outputs_beside_its_pages(
    sqlite_archive: ArticleArchive, reports: list[dict[str, Any]], using: Analyser, tmp_path: Path
) -> None:
    folder = tmp_path / "desk"
    (folder / "runs").mkdir(parents=True)
    write_report(folder / "wire.json", reports[0])
    write_batch_output(folder / "runs" / "monday.jsonl", [{"id": "1", "report": reports[1]}])
    (folder / "county.html").write_text(page_html(*STORIES[2]), encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG not an article")
    summary = add_files(sqlite_archive, [folder], using)
    assert _counts(summary) == (3, 0, 0) and summary.analysed == 1
    assert {a.title for a in sqlite_archive.missing_vectors("any-model", 10)} == {story[0] for story in STORIES}


def test_a_folder_with_no_article_in_it_is_refused(sqlite_archive: ArticleArchive, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "image.png").write_bytes(b"\x89PNG not an article")
    with pytest.raises(InputError, match="no pages, reports, batch files or crawls in this folder"):
        add_files(sqlite_archive, [tmp_path / "empty"])


def test_a_page_that_cannot_be_analysed_stops_everything_before_the_archive_is_touched(
    archive: ArticleArchive, using: Analyser, tmp_path: Path
) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "good.html").write_text(page_html(*STORIES[0]), encoding="utf-8")
    (folder / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"pages \(empty\.html\): .*nothing was added"):
        add_files(archive, [folder], using)
    assert archive.stats()["articles"] == 0 and archive.revision() == 0
    summary = add_files(archive, [folder], using, skip_bad=True)
    assert _counts(summary) == (1, 0, 0) and len(summary.skipped) == 1 and "empty.html" in summary.skipped[0]


def test_a_warc_crawl_keeps_each_page_response_under_its_target_url(
    sqlite_archive: ArticleArchive, using: Analyser, tmp_path: Path
) -> None:
    crawl = write_warc(
        tmp_path / "crawl.warc.gz", [(URLS[0], page_html(*STORIES[0])), (URLS[2], page_html(*STORIES[2]))]
    )
    summary = add_files(sqlite_archive, [crawl], using)
    assert _counts(summary) == (2, 0, 0), "requests and the 404 response are not articles"
    kept = sqlite_archive.get([url_article_id(URLS[0]), url_article_id(URLS[2])])
    assert {a.outlet for a in kept.values()} == {"wire.example", "county.example"}
    assert kept[url_article_id(URLS[0])].published == "2017-01-24"
    assert _counts(add_files(sqlite_archive, [crawl], using)) == (0, 0, 2)


@pytest.mark.parametrize("report_last", [True, False])
def test_inputs_are_added_in_the_order_given(
    sqlite_archive: ArticleArchive, using: Analyser, tmp_path: Path, report_last: bool
) -> None:
    page = tmp_path / "story.html"
    page.write_text(page_html(*STORIES[0]), encoding="utf-8")
    unclaimed = {**report_of(page_html(*STORIES[0]), None, using), "claims": []}  # the same article, no claims
    report = write_report(tmp_path / "unclaimed.json", unclaimed)
    summary = add_files(sqlite_archive, [page, report] if report_last else [report, page], using)
    assert _counts(summary) == (1, 1, 0)
    (article,) = sqlite_archive.missing_vectors("any-model", 10)
    assert (article.claims == ()) == report_last


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("results.parquet", b"PAR1", "Parquet batch output holds no article text"),
        ("notes.md", b"# notes", "unknown input"),
        ("report.json", b'{"article": {"text": ""}}', "report.json: the report's article has no text"),
        ("report.json", b"[1, 2", "not valid JSON"),
        ("urls.jsonl", b'{"id": "1", "url": "https://news.example/a"}\n', "only a URL; archive add .* fetches nothing"),
    ],
)
def test_inputs_that_are_not_articles_are_refused_clearly(
    sqlite_archive: ArticleArchive, using: Analyser, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        add_files(sqlite_archive, [path], using)
    assert sqlite_archive.stats()["articles"] == 0


def test_a_json_list_of_reports_is_kept_and_a_bad_item_named_by_its_index(
    sqlite_archive: ArticleArchive, reports: list[dict[str, Any]], tmp_path: Path
) -> None:
    good = tmp_path / "reports.json"
    good.write_text(json.dumps(reports[:2]))
    assert _counts(add_files(sqlite_archive, [good])) == (2, 0, 0)
    bad = tmp_path / "more.json"
    bad.write_text(json.dumps([reports[2], {"article": {"text": ""}}]))
    with pytest.raises(InputError, match=r"more\.json\[1\]: the report's article has no text"):
        add_files(sqlite_archive, [bad])
    assert sqlite_archive.stats()["articles"] == 2


def test_a_missing_path_is_refused_before_any_work(sqlite_archive: ArticleArchive, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        add_files(sqlite_archive, [tmp_path / "nowhere.jsonl"])


def test_the_command_prints_counts_and_stats(
    reports: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "store.db")
    output = write_batch_output(
        tmp_path / "results.jsonl",
        [{"id": "0", "report": reports[0]}, {"id": "2", "report": reports[2]}, {"id": "x", "error": "timed out"}],
    )
    page = tmp_path / "ferry.html"
    page.write_text(page_html(*STORIES[1]), encoding="utf-8")
    assert main(["archive", "add", str(output), str(page), "--db", db]) == 0
    out, err = capsys.readouterr()
    assert "3 added, 0 updated, 0 unchanged (1 pages analysed)" in out and "3 articles in the archive" in out
    assert "1 error rows of the batch output were not kept" in err
    assert main(["archive", "add", str(output), "--db", db]) == 0
    assert "0 added, 0 updated, 2 unchanged" in capsys.readouterr().out
    assert main(["archive", "stats", "--db", db, "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats == {
        "articles": 3,
        "outlets": 2,  # the page read from a file names no outlet
        "first": "2017-01-20",
        "last": "2017-01-24",
        "undated": 1,
        "vectors": {},
    }
    assert main(["archive", "stats", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "articles  3\n" in text and "dates     2017-01-20 to 2017-01-24\n" in text and "vectors   none yet" in text


def test_the_command_fails_with_one_clear_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "results.jsonl"
    bad.write_text('{"id": "1", "report": {"article": {}}}\n')
    db = tmp_path / "store.db"
    assert main(["archive", "add", str(bad), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("factsift: error: results.jsonl:1: the report's article has no text; nothing was added")
    assert main(["archive", "stats", "--db", str(tmp_path / "none.db")]) == 2
    assert "no archive at" in capsys.readouterr().err
