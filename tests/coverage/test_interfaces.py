"""``factsift coverage search``, ``GET /api/v1/coverage/search``, the terminal section and ``[coverage]`` settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factsift.archive.store import open_article_archive
from factsift.cli import main
from factsift.config import Config, read_file
from factsift.errors import InputError
from factsift.options import Options
from factsift.web.app import create_app
from factsift.web.settings import ServerSettings

from .fixtures import UNRELATED, WIRE

CLAIM = "U.S. and Russian drones and bombers have collaborated on a number of sorties"


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A SQLite archive holding the wire report and the unrelated articles."""
    path = tmp_path / "store.db"
    archive = open_article_archive(path)
    archive.add([WIRE, *UNRELATED])
    archive.close()
    return path


def test_cli_search_prints_json_with_stance_passage_and_the_archive_size(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["coverage", "search", CLAIM, "--db", str(filled), "--since", "2017-01-20", "--format", "json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["archive"] == {"articles": 4, "outlets": 4} and data["since"] == "2017-01-20"
    assert [(c["article_id"], c["stance"]) for c in data["coverage"]] == [("wire-denial", "disagree")]
    passage = data["coverage"][0]["passage"]
    assert WIRE.text[passage["start"] : passage["end"]] == passage["text"]


def test_cli_search_says_when_nothing_speaks_to_the_claim(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "search", CLAIM, "--db", str(filled), "--until", "2017-01-22"]) == 0
    assert capsys.readouterr().out.strip() == (
        "No archived article from another outlet speaks to this claim; "
        "the archive holds 0 articles from 0 outlets for any date to 2017-01-22."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["  "], "the claim is empty"),
        ([CLAIM, "--since", "2017-02-01", "--until", "2017-01-01"], "the period starts (2017-02-01) after it ends"),
    ],
)
def test_cli_search_refuses_bad_input(
    filled: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["coverage", "search", *args, "--db", str(filled)]) != 0
    assert message in capsys.readouterr().err


def test_cli_search_without_an_archive_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "search", CLAIM, "--db", str(tmp_path / "none.db")]) != 0
    assert "there is no archive yet" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_api_search_returns_the_related_articles(filled: Path) -> None:
    client = TestClient(create_app(ServerSettings(db=filled)))
    response = client.get("/api/v1/coverage/search", params={"q": CLAIM, "since": "2017-01-20", "k": 3})
    assert response.status_code == 200
    data = response.json()
    assert data["archive"] == {"articles": 4, "outlets": 4}
    assert [(c["outlet"], c["stance"]) for c in data["coverage"]] == [("newswire.example", "disagree")]
    bad = client.get("/api/v1/coverage/search", params={"q": CLAIM, "since": "not a date"})
    assert bad.status_code == 422


def test_the_terminal_report_shows_coverage_beside_each_claim(
    filled: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(f"Russian bombers joined U.S. strikes\n\n{CLAIM}, intelligence sources said.\n", "utf-8")
    assert main(["check", str(article), "--db", str(filled)]) in (0, 1)
    out = capsys.readouterr().out
    assert "Coverage by other outlets" in out and "REPORTS THE OPPOSITE" in out and "newswire.example" in out


def test_coverage_days_come_from_the_settings_file(tmp_path: Path) -> None:
    good = tmp_path / "factsift.toml"
    good.write_text('[coverage]\ndays = 3\narchive = "archive.db"\n', "utf-8")
    _, sections = read_file(good)
    assert sections["coverage"] == {"days": 3, "archive": tmp_path / "archive.db"}

    def bad(text: str) -> Path:
        (tmp_path / "bad.toml").write_text(text, "utf-8")
        return tmp_path / "bad.toml"

    with pytest.raises(InputError, match=r"\[coverage\] days must be a whole number"):
        Config.from_options(Options(), read_file(bad("[coverage]\ndays = -1\n"))[1])
    with pytest.raises(InputError, match="unknown setting"):
        read_file(bad("[coverage]\nweeks = 1\n"))


def test_the_web_page_shows_coverage_beside_the_claim_with_the_passage_highlighted(filled: Path) -> None:
    client = TestClient(create_app(ServerSettings(db=filled)))
    text = f"Russian bombers joined U.S. strikes\n\n{CLAIM}, intelligence sources said.\n"
    response = client.post("/analyse", data={"source": text}, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Other outlets: 1 reliable outlet reports the opposite (newswire.example)" in page
    assert '<span class="badge stance disagree">reports the opposite</span>' in page
    assert '<mark class="coverage-passage">' in page
    assert "Tomatoes" not in page and "grandmaster" not in page


def test_the_page_shows_the_headlines_coverage_when_the_headline_is_not_a_claim() -> None:
    from factsift.model import Article, ClaimCoverage, CoverageMatch, CoveragePassage, InputInfo, Report
    from factsift.web.pages import templates
    from factsift.web.view import build_view

    report = Report(input=InputInfo(kind="text"), article=Article(text="Body.", title="Russia joins U.S. strikes"))
    passage = CoveragePassage("Officials denied <it>.", 0, 22)
    report.coverage = [
        CoverageMatch(
            None, "w", None, "wire.example", "reliable", "2017-01-25", "Denial", passage, "disagree", 0.9, 0.6
        )
    ]
    report.coverage_summary = [
        ClaimCoverage(None, "Russia joins U.S. strikes", "1 reliable outlet …", None, None, 3, 3)
    ]
    view = build_view(report.to_dict())
    assert view.headline_coverage is not None and view.headline_coverage.coverage[0]["outlet"] == "wire.example"
    page = templates().env.get_template("coverage.html").render(claim=view.headline_coverage)
    assert "Other outlets: 1 reliable outlet …" in page
    assert '<mark class="coverage-passage">Officials denied &lt;it&gt;.</mark>' in page
