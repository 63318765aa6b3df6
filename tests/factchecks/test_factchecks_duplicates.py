"""Duplicate records in a labelled retrieval set: grouping them, and rankings with the copies merged."""

from __future__ import annotations

import json
from pathlib import Path

from factsift.factchecks.datasets import RetrievalSet, duplicate_groups
from factsift.factchecks.importer import import_files
from factsift.factchecks.records import Review
from factsift.factchecks.retrieval import Hit, distinct
from factsift.factchecks.search import search
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


def test_search_shows_a_fact_check_imported_twice_once(tmp_path: Path) -> None:
    def record(rid: str, claim: str, url: str) -> dict[str, object]:
        return {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": rid,
            "url": url,
            "claimReviewed": claim,
            "author": {"@type": "Organization", "name": "Example Checks"},
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
        }

    feed = tmp_path / "feed.json"
    claim = "The mayor called kite flying a menace to pigeons."
    records = [
        record("a", claim, "https://checks.example/kites"),
        record("b", "The  mayor called kite flying a MENACE to pigeons.", "https://checks.example/kites"),
        record("c", claim, "https://other.example/kites"),  # another address: another fact-check
    ]
    feed.write_text(json.dumps(records), encoding="utf-8")
    db = tmp_path / "store.db"
    assert import_files([feed], db=db).added == 3
    groups = search("mayor kite flying menace pigeons", k=5, db=db, embeddings=False)
    assert len(groups) == 1  # one claim: the copy is dropped, the other address's review joins its group
    assert sorted(r["url"] for r in groups[0]["reviews"]) == [
        "https://checks.example/kites",
        "https://other.example/kites",
    ]
    assert distinct([]) == []
