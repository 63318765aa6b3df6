"""The coverage stage on the seed: the wire denial beside the claim it contradicts, nothing unrelated, never itself."""

from __future__ import annotations

import jsonschema
import pytest

from factsift import analyse
from factsift.archive.store import ArticleArchive
from factsift.coverage.evidence import DISAGREE_LOG_ODDS
from factsift.model import Report
from factsift.schema import report_schema

from .fixtures import OWN, SEED, SEED_DATE, SEED_URL, UNRELATED, WIRE, seed_page


def analyse_seed(url: str) -> Report:
    """The seed analysed with the archive at ``url``."""
    return analyse(url=SEED_URL, html=seed_page(), db=url)


def collaboration_claim(report: Report) -> int:
    """The index of the seed's claim that U.S. and Russian aircraft collaborated on sorties."""
    return next(i for i, claim in enumerate(report.claims) if "collaborated on a number of sorties" in claim.text)


def test_the_wire_denial_is_shown_beside_the_collaboration_claim_as_disagreeing(
    archive: ArticleArchive, archive_url: str
) -> None:
    archive.add([WIRE, *UNRELATED, OWN])
    report = analyse_seed(archive_url)
    assert report.article.published is not None and report.article.published.startswith(SEED_DATE)
    assert "coverage" in report.stages and not report.errors
    claim = collaboration_claim(report)
    beside = [m for m in report.coverage if m.claim_index == claim]
    assert [(m.article_id, m.stance) for m in beside] == [("wire-denial", "disagree")]
    passage = beside[0].passage
    assert WIRE.text[passage.start : passage.end] == passage.text
    assert "collaborated" in passage.text or "coordinat" in passage.text
    summary = next(s for s in report.coverage_summary if s.claim_index == claim)
    assert summary.summary.startswith("1 reliable outlet reports the opposite (newswire.example)")
    assert "the archive holds 5 articles from 5 outlets for 2017-01-17 to 2017-01-31" in summary.summary
    jsonschema.validate(report.to_dict(), report_schema())


def test_unrelated_articles_and_the_seeds_own_outlet_are_never_shown(archive: ArticleArchive, archive_url: str) -> None:
    archive.add([WIRE, *UNRELATED, OWN])
    report = analyse_seed(archive_url)
    shown = {m.article_id for m in report.coverage}
    assert shown == {"wire-denial"}
    assert all(m.stance != "unrelated" for m in report.coverage)


def test_with_only_unrelated_articles_nothing_is_shown_and_the_summary_says_how_much_was_searched(
    archive: ArticleArchive, archive_url: str
) -> None:
    archive.add([*UNRELATED, OWN])
    report = analyse_seed(archive_url)
    assert report.coverage == []
    assert report.coverage_summary
    for summary in report.coverage_summary:
        assert summary.summary.startswith("No other outlet in the archive reports this; the archive holds 4 articles")
    assert report.risk is not None
    row = next(c for c in report.risk.contributions if c.evidence == "coverage")
    assert row.effect == 0.0
    assert any("archive holds only 4 articles" in note for note in report.risk.caveats)


def test_reliable_disagreement_raises_the_risk_by_its_stated_weight(archive: ArticleArchive, archive_url: str) -> None:
    archive.add([WIRE, *UNRELATED])
    with_coverage = analyse_seed(archive_url)
    without = analyse(url=SEED_URL, html=seed_page(), db=archive_url, stages=["sources", "claims", "signals", "risk"])
    assert with_coverage.risk is not None and without.risk is not None
    row = next(c for c in with_coverage.risk.contributions if c.evidence == "coverage")
    assert row.value.startswith("1 reliable outlet (newswire.example) reports the opposite")
    assert row.effect > 0
    assert with_coverage.risk.score > without.risk.score
    assert DISAGREE_LOG_ODDS == 0.5


def test_outside_the_date_window_nothing_is_found(archive: ArticleArchive, archive_url: str) -> None:
    late = type(WIRE)(**{**WIRE.__dict__, "published": "2017-03-01"})
    archive.add([late])
    report = analyse_seed(archive_url)
    assert report.coverage == []
    assert (
        "the archive holds 0 articles from 0 outlets for 2017-01-17 to 2017-01-31" in report.coverage_summary[0].summary
    )


def test_an_undated_article_is_searched_over_all_dates(tmp_path: pytest.TempPathFactory) -> None:
    from factsift.archive.store import open_article_archive

    url = str(tmp_path / "store.db")  # type: ignore[operator]
    archive = open_article_archive(url)
    archive.add([type(WIRE)(**{**WIRE.__dict__, "published": "2017-03-01"})])
    archive.close()
    report = analyse(text=SEED.read_text(encoding="utf-8"), db=url)  # plain text: no date
    assert report.article.published is None
    assert {m.article_id for m in report.coverage} == {"wire-denial"}
    assert report.coverage_summary[0].since is None
    assert "the archive holds 1 article from 1 outlet in all" in report.coverage_summary[0].summary


def test_without_an_archive_the_stage_adds_nothing(tmp_path: pytest.TempPathFactory) -> None:
    report = analyse(url=SEED_URL, html=seed_page(), db=str(tmp_path / "none.db"))  # type: ignore[operator]
    assert report.coverage == [] and report.coverage_summary == []
    assert report.risk is not None
    assert all(c.evidence != "coverage" for c in report.risk.contributions)


def test_an_archive_made_after_the_analyser_started_is_searched(tmp_path: pytest.TempPathFactory) -> None:
    """A long-running analyser (the web app's, the watcher's) finds the archive its own keeping creates later."""
    from factsift.analyser import Analyser
    from factsift.archive.store import open_article_archive
    from factsift.config import config_at_edge

    url = str(tmp_path / "later.db")  # type: ignore[operator]
    analyser = Analyser(config_at_edge(db=url))
    assert analyser.analyse(url=SEED_URL, html=seed_page()).coverage == []
    archive = open_article_archive(url)
    archive.add([WIRE, *UNRELATED])
    archive.close()
    assert {m.article_id for m in analyser.analyse(url=SEED_URL, html=seed_page()).coverage} == {"wire-denial"}
