"""Coverage as risk evidence: stated weights, capped; it never accuses on negation or unrelated archive text."""

from __future__ import annotations

from pathlib import Path

import pytest

from factsift import analyse
from factsift.archive.store import open_article_archive
from factsift.coverage.evidence import (
    BIG_ENOUGH,
    MAX_AGREE_LOG_ODDS,
    MAX_DISAGREE_LOG_ODDS,
    UNREPORTED_LOG_ODDS,
    coverage_evidence,
)
from factsift.model import Article, ClaimCoverage, CoverageMatch, CoveragePassage, InputInfo, Report
from factsift.vocabulary import OutletLabel, StanceLabel

from .fixtures import UNRELATED, WIRE


def match(outlet: str, label: OutletLabel | None, stance: StanceLabel) -> CoverageMatch:
    """A coverage match of the first claim."""
    passage = CoveragePassage("Officials denied it.", 0, 20)
    return CoverageMatch(0, outlet, None, outlet, label, "2017-01-25", None, passage, stance, 0.9, 0.5)


def report_with(matches: list[CoverageMatch], archive_articles: int) -> Report:
    """A report whose first claim has these matches in an archive of this size."""
    report = Report(input=InputInfo(kind="text"), article=Article(text="Claim."))
    report.coverage = matches
    counts = {s: sum(1 for m in matches if m.stance == s) for s in ("agree", "disagree", "discuss")}
    report.coverage_summary = [
        ClaimCoverage(0, "Claim.", "…", "2017-01-17", "2017-01-31", archive_articles, 10, **counts)
    ]
    return report


def test_reliable_outlets_disagreeing_raise_the_log_odds_up_to_the_cap() -> None:
    one = coverage_evidence(report_with([match("a.example", "reliable", "disagree")], 50))
    three = coverage_evidence(report_with([match(f"{c}.example", "reliable", "disagree") for c in "abc"], 50))
    assert one is not None and three is not None
    assert one.log_odds == 0.5 and three.log_odds == MAX_DISAGREE_LOG_ODDS
    same_outlet_twice = coverage_evidence(report_with([match("a.example", "reliable", "disagree")] * 2, 50))
    assert same_outlet_twice is not None and same_outlet_twice.log_odds == 0.5


def test_reliable_outlets_agreeing_lower_it_up_to_the_cap() -> None:
    evidence = coverage_evidence(report_with([match(f"{c}.example", "reliable", "agree") for c in "abc"], 50))
    assert evidence is not None and evidence.log_odds == MAX_AGREE_LOG_ODDS


@pytest.mark.parametrize("label", ["unreliable", "mixed", None])
def test_outlets_not_rated_reliable_move_nothing(label: OutletLabel | None) -> None:
    evidence = coverage_evidence(report_with([match("x.example", label, "disagree")], 50))
    assert evidence is not None and evidence.log_odds == 0.0


def test_discussing_moves_nothing() -> None:
    evidence = coverage_evidence(report_with([match("a.example", "reliable", "discuss")], 5_000))
    assert evidence is not None and evidence.log_odds == 0.0 and not evidence.unreported


def test_an_unreported_claim_counts_only_in_a_big_enough_archive() -> None:
    small = coverage_evidence(report_with([], BIG_ENOUGH - 1))
    big = coverage_evidence(report_with([], BIG_ENOUGH))
    assert small is not None and big is not None
    assert (small.log_odds, small.thin, small.unreported) == (0.0, True, False)
    assert (big.log_odds, big.thin, big.unreported) == (UNREPORTED_LOG_ODDS, False, True)


def test_no_search_is_no_evidence() -> None:
    assert coverage_evidence(Report(input=InputInfo(kind="text"), article=Article(text="Claim."))) is None


NEGATED = (
    "Pentagon denies it coordinated air strikes with Russia\n\n"
    "The Defense Department on Wednesday denied that U.S. and Russian aircraft had coordinated strikes against "
    "Islamic State targets in Syria. A Pentagon spokesman said the United States and Russia have no joint "
    "military agreement, and that reports of Russian bombers joining U.S. sorties were false. The spokesman "
    "said the military keeps a line open with Russia only to avoid accidents in the air."
)


def test_an_article_reporting_the_denial_is_not_accused_by_the_wire_that_reports_it_too(tmp_path: Path) -> None:
    url = str(tmp_path / "store.db")
    archive = open_article_archive(url)
    archive.add([WIRE, *UNRELATED])
    archive.close()
    report = analyse(text=NEGATED, url="https://otherwire.example/2017/01/25/denial", db=url)
    assert "coverage" in report.stages and report.coverage_summary
    assert all(m.stance != "disagree" for m in report.coverage)
    evidence = coverage_evidence(report)
    assert evidence is not None and evidence.log_odds <= 0.0
    assert report.risk is not None
    row = next(c for c in report.risk.contributions if c.evidence == "coverage")
    assert row.effect <= 0.0


def test_unrelated_archive_text_never_moves_the_score(tmp_path: Path) -> None:
    url = str(tmp_path / "store.db")
    archive = open_article_archive(url)
    archive.add(list(UNRELATED))
    archive.close()
    report = analyse(text=NEGATED, url="https://otherwire.example/2017/01/25/denial", db=url)
    assert report.coverage == []
    evidence = coverage_evidence(report)
    assert evidence is not None and evidence.log_odds == 0.0 and evidence.thin


def test_a_disagreeing_passage_reports_the_opposite_only_when_it_says_so() -> None:
    """Another account of the same event that the stance model reads as contrary stays "discuss" unless the
    passage carries a refutation word; an explicit denial above the threshold stays "disagree"."""
    from factsift.coverage.search import confident_stance
    from factsift.stance import DISAGREE_THRESHOLD, StanceResult

    claim = "Russian and U.S. aircraft carried out joint strikes on Islamic State targets near al-Bab."
    scores = {"agree": 0.02, "disagree": DISAGREE_THRESHOLD + 0.2, "discuss": 0.2, "unrelated": 0.08}
    result = StanceResult("disagree", scores, 0, 0)
    other_account = "Turkish jets struck Islamic State positions near al-Bab on Wednesday, Ankara said."
    denial = "The Defense Department denied that U.S. aircraft had coordinated any strikes with Russia."
    assert confident_stance(result, claim, other_account)[0] == "discuss"
    assert confident_stance(result, claim, denial)[0] == "disagree"
    below = StanceResult("disagree", {**scores, "disagree": DISAGREE_THRESHOLD - 0.01}, 0, 0)
    assert confident_stance(below, claim, denial)[0] == "discuss"
