"""Review headlines (titles): import, storage and schema upgrade, the in-memory BM25 index, query cleaning."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from factsift.factchecks.formats import parse_file
from factsift.factchecks.importer import import_files
from factsift.factchecks.lexical import build_index
from factsift.factchecks.records import Review
from factsift.factchecks.store import open_store
from factsift.factchecks.terms import clean_query, index_terms, query_terms

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/2019/lighthouse-keeper",
    "claimReviewed": "A town council voted to replace its lighthouse keeper with a robot.",
    "headline": "No, Port Marrow did not hand its lighthouse to a robot",
    "reviewRating": {"@type": "Rating", "alternateName": "False"},
    "author": {"@type": "Organization", "name": "Example Checks"},
}


SCHEMA_1_TRIGGER = """
CREATE TRIGGER factcheck_reviews_au AFTER UPDATE OF claim_reviewed ON factcheck_reviews BEGIN
    INSERT INTO factcheck_fts(factcheck_fts, rowid, claim_reviewed) VALUES ('delete', old.rowid, old.claim_reviewed);
    INSERT INTO factcheck_fts(rowid, claim_reviewed) VALUES (new.rowid, new.claim_reviewed);
    DELETE FROM factcheck_embeddings WHERE review_id = new.id AND old.claim_reviewed != new.claim_reviewed;
END
"""


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_headline_or_name_becomes_the_title(tmp_path: Path) -> None:
    named = dict(REVIEW, name="Lighthouse robot story is false")
    del named["headline"]
    records = parse_file(_write(tmp_path / "a.json", [REVIEW, named])).records
    assert [r.title for r in records] == [REVIEW["headline"], "Lighthouse robot story is false"]


def test_an_odd_headline_does_not_cost_the_record(tmp_path: Path) -> None:
    parsed = parse_file(_write(tmp_path / "a.json", dict(REVIEW, headline=True)))
    assert parsed.errors == []
    assert parsed.records[0].title is None


def test_csv_title_column(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text("claim,rating,title\nThe moon is made of cheese,False,Cheese moon claim is false\n", "utf-8")
    assert parse_file(path).records[0].title == "Cheese moon claim is false"


def test_a_record_without_title_hashes_as_before_titles_existed() -> None:
    review = Review(id="x", claim_reviewed="c", verdict="false")
    # The digest of the 13 fields a record had before titles: upgrading factsift must not "update" every record.
    assert review.content_hash() == "0e99aa75f8bb466a8442adff1405ec08d734d14b"
    assert Review(id="x", claim_reviewed="c", verdict="false", title="t").content_hash() != review.content_hash()


def test_title_is_searched_and_survives_the_round_trip(tmp_path: Path, db: Path) -> None:
    import_files([_write(tmp_path / "a.json", REVIEW)], db=db, embeddings=False)
    store = open_store(db)
    try:
        hits = store.keyword_search(query_terms("Port Marrow"), 5)  # words only in the headline
        assert [h.id for h in hits] == [store.get([hits[0].id])[hits[0].id].id]
        assert hits[0].fields["claim"] == 0.0 and hits[0].fields["title"] > 0
        assert store.get([hits[0].id])[hits[0].id].title == REVIEW["headline"]
    finally:
        store.close()


def test_store_changes_reach_the_cached_index(tmp_path: Path, db: Path) -> None:
    import_files([_write(tmp_path / "a.json", REVIEW)], db=db, embeddings=False)
    store = open_store(db)
    try:
        assert store.keyword_search(query_terms("volcano"), 5) == []
        other = dict(REVIEW, url="https://factcheck.example.org/volcano", claimReviewed="A volcano erupted in Paris.")
        import_files([_write(tmp_path / "b.json", other)], db=db, embeddings=False)
        assert len(store.keyword_search(query_terms("volcano"), 5)) == 1
    finally:
        store.close()


def test_a_schema_1_store_is_upgraded_in_place(tmp_path: Path, db: Path) -> None:
    import_files([_write(tmp_path / "a.json", dict(REVIEW, headline=None))], db=db, embeddings=False)
    raw = sqlite3.connect(db)  # turn it back into a schema 1 store: no title column, the old update trigger
    raw.execute("DROP TRIGGER factcheck_reviews_au")
    raw.execute("ALTER TABLE factcheck_reviews DROP COLUMN title")
    raw.execute(SCHEMA_1_TRIGGER)
    raw.execute("UPDATE factcheck_meta SET value = '1' WHERE key = 'schema_version'")
    raw.execute("DROP TABLE factsift_schema")  # written before factsift kept its versions table
    raw.commit()
    raw.close()
    summary = import_files([_write(tmp_path / "a.json", REVIEW)], db=db, embeddings=False)
    assert (summary.added, summary.updated) == (0, 1)  # the headline is new information
    raw = sqlite3.connect(db)
    assert raw.execute("SELECT value FROM factcheck_meta WHERE key = 'schema_version'").fetchone() == ("2",)
    assert raw.execute("SELECT title FROM factcheck_reviews").fetchone() == (REVIEW["headline"],)
    raw.close()


def test_a_title_change_drops_the_records_vectors(tmp_path: Path, db: Path) -> None:
    import_files([_write(tmp_path / "a.json", REVIEW)], db=db, embeddings=False)
    store = open_store(db)
    try:
        rid = store.keyword_search(query_terms("lighthouse"), 1)[0].id
        store.put_embeddings("m", [rid], np.ones((1, 4), dtype=np.float32) / 2)
        assert list(store.missing_embeddings("m")) == []
    finally:
        store.close()
    import_files([_write(tmp_path / "a.json", dict(REVIEW, headline="A new headline"))], db=db, embeddings=False)
    store = open_store(db)
    try:
        assert [rid for rid, _ in store.missing_embeddings("m")] == [rid]
        assert [text for _, text in store.missing_embeddings("m#title", "title")] == ["A new headline"]
    finally:
        store.close()


def test_bm25_ranks_by_rare_words_and_reports_included_records() -> None:
    index = build_index(
        [
            ("a", "The senator voted against the budget", None),
            ("b", "The senator praised the budget twice, budget budget", "Budget praise"),
            ("c", "Vaccines cause autism", "Autism and vaccines"),
        ]
    )
    found = index.search(query_terms("senator budget"), 5, include=["c"])
    assert [rid for rid, *_ in found] == ["b", "a", "c"]
    assert [rank for *_, rank in found] == [1, 2, None]
    assert found[2][1] == 0.0
    assert index.search(query_terms("nothing matches"), 5) == []


def test_query_and_index_terms_agree() -> None:
    assert index_terms("Strikes on Russia's bases") == ["strike", "russia", "base"]
    assert query_terms("the strikes: Russia's bases, strikes") == ["strike", "russia", "base"]


def test_clean_query_drops_links_and_tweet_signatures() -> None:
    tweet = "Big news https://t.co/x pic.twitter.com/abc — Jo Bloggs (@jobloggs) January 6, 2020 &amp; @someone"
    assert clean_query(tweet) == "Big news — Jo Bloggs & someone"


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_a_query_matching_only_the_headline_finds_the_review(
    tmp_path: Path, db: Path, mode: str, request: pytest.FixtureRequest
) -> None:
    from factsift.factchecks.search import search

    if mode == "hybrid":
        request.getfixturevalue("encoder")
    import_files([_write(tmp_path / "a.json", REVIEW)], db=db, embeddings=mode == "hybrid")
    hits = search("Port Marrow handed its lighthouse to a robot", k=3, db=db, embeddings=mode == "hybrid")
    assert hits[0]["url"] == REVIEW["url"]
