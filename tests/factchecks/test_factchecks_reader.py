"""The per-thread read connection the fact-check stage reuses between analyses."""

from __future__ import annotations

import threading
from pathlib import Path

from factsift.factchecks.importer import import_files
from factsift.factchecks.search import search
from factsift.factchecks.store import shared_reader

REVIEW = """{{"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://checks.example/{slug}",
"claimReviewed": "{claim}", "author": {{"@type": "Organization", "name": "Example Checks"}},
"datePublished": "2024-01-02", "reviewRating": {{"@type": "Rating", "alternateName": "False"}}}}"""


def _feed(tmp_path: Path, slug: str, claim: str) -> Path:
    path = tmp_path / f"{slug}.json"
    path.write_text(REVIEW.format(slug=slug, claim=claim), encoding="utf-8")
    return path


def test_no_store_file_means_no_reader(tmp_path: Path) -> None:
    assert shared_reader(tmp_path / "absent.db") is None
    assert not (tmp_path / "absent.db").exists()


def test_the_reader_is_reused_and_sees_later_imports(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    import_files([_feed(tmp_path, "a", "The river bridge was closed for nine months in 2023")], db=db)
    first = shared_reader(db)
    assert first is not None and shared_reader(db) is first
    assert first.keyword_search(["lighthouse"], 5) == []
    import_files([_feed(tmp_path, "b", "The old lighthouse was sold to a hotel chain")], db=db)
    assert shared_reader(db) is first  # same file: same connection, and it sees the new record
    assert [hit.id for hit in first.keyword_search(["lighthouse"], 5) if hit.rank is not None] != []


def test_a_replaced_file_is_read_afresh(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    import_files([_feed(tmp_path, "a", "The river bridge was closed for nine months in 2023")], db=db)
    first = shared_reader(db)
    assert first is not None
    before = first.revision()
    db.unlink()
    import_files([_feed(tmp_path, "b", "The old lighthouse was sold to a hotel chain")], db=db)
    second = shared_reader(db)
    assert second is not None and second.revision() != before
    assert [hit["claim_reviewed"] for hit in search("lighthouse sold to a hotel", db=db)][:1] == [
        "The old lighthouse was sold to a hotel chain"
    ]
    assert second.keyword_search(["bridge"], 5) == []


def test_each_thread_has_its_own_connection(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    import_files([_feed(tmp_path, "a", "The river bridge was closed for nine months in 2023")], db=db)
    mine = shared_reader(db)
    theirs: list[object] = []
    worker = threading.Thread(target=lambda: theirs.append(shared_reader(db)))
    worker.start()
    worker.join()
    assert theirs[0] is not None and theirs[0] is not mine


def test_only_the_latest_few_stores_stay_open(tmp_path: Path) -> None:
    from factsift.factchecks.store import MAX_SHARED_READERS

    paths = []
    for i in range(MAX_SHARED_READERS + 2):
        db = tmp_path / f"store{i}.db"
        import_files([_feed(tmp_path, f"s{i}", "The river bridge was closed for nine months in 2023")], db=db)
        paths.append(db)
    first = shared_reader(paths[0])
    for db in paths[1:]:
        assert shared_reader(db) is not None
    assert shared_reader(paths[-1]) is shared_reader(paths[-1])
    assert shared_reader(paths[0]) is not first  # closed to make room, then opened afresh


def test_a_pinned_reader_checks_the_revision_once_and_sees_imports_afterwards(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    import_files([_feed(tmp_path, "a", "The river bridge was closed for nine months in 2023")], db=db)
    reader = shared_reader(db)
    assert reader is not None
    statements: list[str] = []
    reader._db.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    try:
        with reader.pinned(), reader.pinned():
            for word in ("bridge", "river", "closed"):
                assert reader.keyword_search([word], 5) != []
        assert sum("factcheck_meta" in s for s in statements) == 2  # the change and texts counters, once each
        import_files([_feed(tmp_path, "b", "The old lighthouse was sold to a hotel chain")], db=db)
        with reader.pinned():
            assert [hit.id for hit in reader.keyword_search(["lighthouse"], 5) if hit.rank is not None] != []
    finally:
        reader._db.set_trace_callback(None)  # type: ignore[attr-defined]


def test_remembered_records_are_replaced_when_the_store_changes(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    feed = _feed(tmp_path, "a", "The river bridge was closed for nine months in 2023")
    import_files([feed], db=db)
    reader = shared_reader(db)
    assert reader is not None
    (rid,) = [hit.id for hit in reader.keyword_search(["bridge"], 5)]
    assert reader.get([rid])[rid].rating_text == "False"
    feed.write_text(feed.read_text(encoding="utf-8").replace('"False"', '"Mostly true"'), encoding="utf-8")
    import_files([feed], db=db)  # another connection updates the record
    assert reader.get([rid, "no-such-id"]) == {rid: reader.get([rid])[rid]}
    assert reader.get([rid])[rid].rating_text == "Mostly true"
