"""The BM25 index and the vector matrix kept in the store: written on import, read (not rebuilt) by a new process,
kept up to date."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from factsift.factchecks import lexical, sqlite_store
from factsift.factchecks.records import Review
from factsift.factchecks.sqlite_store import SQLiteStore
from factsift.factchecks.terms import query_terms

REVIEWS = [
    Review(id="a", claim_reviewed="The mayor banned kites on the beach.", verdict="false", title="Kite ban?"),
    Review(id="b", claim_reviewed="A heron stole a bagel in the park.", verdict="true"),
    Review(id="c", claim_reviewed="Lemon water cures diabetes.", verdict="false", title="Lemon water and diabetes"),
]


def _fresh_process() -> None:
    """Forget this process's copies, as a new process would start without them."""
    sqlite_store._LEXICAL_CACHE.clear()
    sqlite_store._MATRIX_CACHE.clear()


def _ids(store: SQLiteStore, text: str) -> list[str]:
    return [hit.id for hit in store.keyword_search(query_terms(text), 5)]


def test_index_round_trips_through_bytes() -> None:
    index = lexical.build_index([(r.id, r.claim_reviewed, r.title) for r in REVIEWS])
    again = lexical.from_bytes(lexical.to_bytes(index))
    assert again.ids == index.ids and again.positions == index.positions
    terms = query_terms("mayor kites lemon diabetes")
    assert again.search(terms, 3) == index.search(terms, 3)
    with pytest.raises(ValueError):
        lexical.from_bytes(b"not an index")


def test_import_stores_the_index_and_a_new_process_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.upsert(REVIEWS)
    store.close()
    _fresh_process()

    def refuse(rows: object) -> lexical.LexicalIndex:
        raise AssertionError("the stored index should have been read, not rebuilt")

    monkeypatch.setattr(sqlite_store, "build_index", refuse)
    reader = SQLiteStore(tmp_path / "s.db")
    assert _ids(reader, "mayor banned kites")[0] == "a"
    reader.close()


def test_an_import_updates_the_stored_index(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.upsert(REVIEWS[:2])
    assert _ids(store, "lemon water diabetes") == []
    store.upsert([REVIEWS[2], Review(id="a", claim_reviewed="Owls run the post office.", verdict="false")])
    _fresh_process()
    reader = SQLiteStore(tmp_path / "s.db")
    assert _ids(reader, "lemon water diabetes") == ["c"]
    assert _ids(reader, "owls post office") == ["a"] and _ids(reader, "mayor banned kites") == []
    rows = reader._db.execute("SELECT COUNT(*) FROM factcheck_lexical").fetchone()[0]
    assert rows == 1  # one index, replaced, not one per import
    store.close()
    reader.close()


def test_a_store_from_before_the_stored_index_gets_one_on_first_query(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.upsert(REVIEWS)
    store._db.execute("DROP TABLE factcheck_lexical")  # as an older factsift left the file
    store.close()
    _fresh_process()
    reader = SQLiteStore(tmp_path / "s.db")
    assert _ids(reader, "heron bagel") == ["b"]
    assert reader._db.execute("SELECT COUNT(*) FROM factcheck_lexical").fetchone()[0] == 1
    reader.close()


def test_a_read_only_store_still_ranks(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    store.upsert(REVIEWS)
    store._db.execute("DROP TABLE factcheck_lexical")
    store.close()
    _fresh_process()
    reader = SQLiteStore(path)
    reader._db.close()
    reader._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    assert _ids(reader, "heron bagel") == ["b"]
    reader.close()


def test_the_vector_matrix_is_stored_once_and_follows_changes(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.upsert(REVIEWS)
    vectors = np.eye(3, 4, dtype=np.float32)
    store.put_embeddings("m", ["a", "b", "c"], vectors)
    ids, matrix = store.embeddings("m")  # built from the rows, then stored
    assert ids == ["a", "b", "c"] and np.allclose(matrix, vectors)
    _fresh_process()
    reader = SQLiteStore(tmp_path / "s.db")
    statements: list[str] = []
    reader._db.set_trace_callback(statements.append)
    assert np.allclose(reader.embeddings("m")[1], vectors)
    assert not any("FROM factcheck_embeddings" in s for s in statements)  # one stored matrix, not a row per record
    assert set(reader.vectors("other", ["a"])) == set()
    store.put_embeddings("m", ["a"], np.array([[0, 0, 0, 1]], dtype=np.float32))  # the store moves on
    _fresh_process()
    ids, matrix = reader.embeddings("m")
    assert np.allclose(matrix[ids.index("a")], [0, 0, 0, 1])
    store.close()
    reader.close()
