"""Import: every format, validation with positions, idempotency, transactions, the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factsift.cli import main
from factsift.errors import InputError
from factsift.factchecks.claimreview import iter_claimreviews, review_from_jsonld, review_to_jsonld
from factsift.factchecks.formats import parse_file
from factsift.factchecks.importer import import_files
from factsift.factchecks.records import RecordError
from factsift.factchecks.store import open_store


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM factcheck_reviews").fetchone()[0])


def test_datafeed_import_keeps_every_field(fixtures: Path, db: Path) -> None:
    summary = import_files([fixtures / "feed.json"], db=db, embeddings=False)
    assert (summary.added, summary.updated, summary.skipped, summary.errors) == (14, 0, 0, [])
    store = open_store(db)
    hits = store.keyword_search(["russia", "air", "force"], 5)
    review = store.get([hits[0].id])[hits[0].id]
    store.close()
    assert review.claim_reviewed.startswith("Russia's air force has joined U.S. strikes")
    assert review.verdict == "false"
    assert review.rating_text == "False"
    assert (review.rating_value, review.best_rating, review.worst_rating) == (1.0, 5.0, 1.0)
    assert review.publisher == "Example Fact Check"
    assert review.url == "https://factcheck.example.org/2017/russia-us-joint-isis-strikes"
    assert review.date == "2017-01-24"
    assert review.claimant == "True Pundit"
    assert review.claim_date == "2017-01-22"
    assert review.language == "en"


def test_reimport_is_a_noop_and_changes_are_updates(fixtures: Path, db: Path, tmp_path: Path) -> None:
    import_files([fixtures / "feed.json"], db=db, embeddings=False)
    again = import_files([fixtures / "feed.json"], db=db, embeddings=False)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 14)
    assert _count(db) == 14
    feed = json.loads((fixtures / "feed.json").read_text())
    feed["dataFeedElement"][0]["item"][0]["reviewRating"]["alternateName"] = "Pants on Fire"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(feed))
    third = import_files([changed], db=db, embeddings=False)
    assert (third.added, third.updated, third.unchanged) == (0, 1, 13)
    assert _count(db) == 14


@pytest.mark.parametrize(
    ("name", "count"),
    [("single.json", 1), ("graph.jsonld", 2), ("array.json", 3), ("reviews.jsonl", 3), ("reviews.csv", 3)],
)
def test_each_format(fixtures: Path, db: Path, name: str, count: int) -> None:
    summary = import_files([fixtures / name], db=db, embeddings=False)
    assert summary.added == count
    assert _count(db) == count


def test_bad_records_are_skipped_with_their_position(fixtures: Path, db: Path) -> None:
    summary = import_files(
        [fixtures / "corrupt.json", fixtures / "reviews.jsonl", fixtures / "reviews.csv"], db=db, embeddings=False
    )
    assert summary.added == 2 + 3 + 3
    assert summary.skipped == 5
    text = "\n".join(summary.errors)
    assert "corrupt.json [1]: claimReviewed is missing" in text
    assert "corrupt.json [3]: reviewRating has neither" in text
    assert "corrupt.json [4]: not a JSON object" in text
    assert "reviews.jsonl line 4: not valid JSON" in text
    assert "reviews.csv line 5: claimReviewed is missing" in text


def test_csv_id_column_becomes_the_record_id(fixtures: Path) -> None:
    parsed = parse_file(fixtures / "reviews.csv")
    ids = [r.id for r in parsed.records]
    assert ids[:2] == ["csv-1", "csv-2"]
    assert ids[2].startswith("cr-")  # no id given: derived from url and claim
    assert parsed.records[1].date == "2022-05-12"
    assert parsed.records[2].verdict == "false" and parsed.records[2].language == "es"


def test_non_json_file_leaves_the_store_unchanged(fixtures: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_files([fixtures / "single.json"], db=db, embeddings=False)
    before = db.read_bytes() if not (db.parent / (db.name + "-wal")).exists() else None
    code = main(["factchecks", "import", str(fixtures / "feed.json"), str(fixtures / "notes.json"), "--db", str(db)])
    assert code == 2
    err = capsys.readouterr().err
    assert "notes.json: not valid JSON (line 1, column 1" in err
    assert _count(db) == 1  # feed.json came first but nothing of it was written
    if before is not None:
        assert db.read_bytes() == before


def test_binary_and_empty_files_are_refused(tmp_path: Path, db: Path) -> None:
    png = tmp_path / "x.json"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    empty = tmp_path / "e.jsonl"
    empty.write_text("  \n")
    for path in (png, empty):
        with pytest.raises(InputError):
            import_files([path], db=db)
    assert not db.exists() or _count(db) == 0


def test_cli_import_summary_and_stats(fixtures: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["factchecks", "import", str(fixtures / "corrupt.json"), "--db", str(db), "--embeddings", "off"]) == 0
    out, err = capsys.readouterr()
    assert "added 2, updated 0, skipped 3, unchanged 0" in out
    assert "skipped corrupt.json [1]" in err
    assert main(["factchecks", "stats", "--db", str(db), "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["reviews"] == 2 and stats["verdicts"] == {"false": 2}


def test_stats_without_a_store_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["factchecks", "stats", "--db", str(tmp_path / "none.db")]) == 2
    assert "no fact-check store" in capsys.readouterr().err


def test_jsonld_round_trip(fixtures: Path) -> None:
    for review in parse_file(fixtures / "feed.json").records:
        assert review_from_jsonld(review_to_jsonld(review)) == review


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["@type", "@graph", "claimReviewed", "reviewRating", "author", "url", "item", "x"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_json)
def test_any_json_document_parses_or_is_reported(document: object) -> None:
    for _, node in iter_claimreviews(document):
        if isinstance(node, dict):
            try:
                review = review_from_jsonld(node)
            except RecordError:
                continue
            assert review.claim_reviewed.strip()
            assert review.id


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_file_imports_or_fails_cleanly(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "input.json"
    path.write_text(text, encoding="utf-8")
    try:
        summary = import_files([path], db=folder / "s.db", embeddings=False)
    except InputError:
        return
    assert summary.added + summary.skipped >= 0
