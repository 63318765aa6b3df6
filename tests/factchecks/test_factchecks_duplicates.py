"""Duplicate records in a labelled retrieval set: grouping them, and rankings with the copies merged."""

from __future__ import annotations

from factsift.factchecks.datasets import RetrievalSet, duplicate_groups
from factsift.factchecks.records import Review
from factsift.factchecks.retrieval import Hit
from factsift.factchecks.training import Ranked, collapse_duplicates, metrics


def _review(rid: str, claim: str, title: str | None = "Did the mayor ban kites?") -> Review:
    return Review(id=rid, claim_reviewed=claim, verdict="false", title=title)


REVIEWS = [
    _review("1", '"The mayor called kite flying a ""menace"" to pigeons."'),
    _review("2", "The mayor called kite flying a 'menace' to pigeons."),
    _review("3", "The mayor called kite flying a 'menace' to pigeons.", title="Kites and pigeons"),
    _review("4", "A harbour seal learned to open car doors."),
]


def test_copies_differing_in_quotes_and_case_share_a_group_and_other_titles_do_not() -> None:
    groups = duplicate_groups(RetrievalSet("toy", REVIEWS, {}, {}))
    assert groups == {"1": "1", "2": "1", "3": "3", "4": "4"}


def test_collapsed_ranking_counts_a_copy_of_the_gold_once_at_its_best_rank() -> None:
    groups = duplicate_groups(RetrievalSet("toy", REVIEWS, {}, {}))
    by_id = {r.id: r for r in REVIEWS}
    hits = [Hit(by_id[rid], score) for rid, score in (("2", 0.9), ("1", 0.8), ("4", 0.1))]
    ranked = [Ranked("q", hits, {"1"})]
    assert metrics(ranked)["map_at_1"] == 0.0
    collapsed = collapse_duplicates(ranked, groups)
    assert [h.review.id for h in collapsed[0].hits] == ["1", "4"]
    assert metrics(collapsed)["map_at_1"] == 1.0
    assert [h.review.id for h in ranked[0].hits] == ["2", "1", "4"]  # the input is left as it was
