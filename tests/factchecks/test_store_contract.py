"""The store contract: what every fact-check storage backend must do, run on each backend by its URL.

A new backend (``@store_backend("scheme")``) is added to ``BACKENDS`` below and must pass every test;
``example`` is the example plugin's backend (CONTRIBUTING.md, "Add a storage backend").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from factsift.factchecks.records import Review
from factsift.factchecks.store import Store, open_store, parse_store_url, store_path
from factsift.factchecks.terms import query_terms
from factsift.plugins import UnknownPluginError

#: Backend name -> the URL of a fresh store in a folder.
BACKENDS: dict[str, Callable[[Path], str] | None] = {
    "sqlite-path": lambda folder: str(folder / "store.db"),
    "sqlite-url": lambda folder: f"sqlite:///{folder / 'store.db'}".replace("sqlite:///", "sqlite:////", 1),
    "example": lambda folder: f"example://{folder / 'store'}",
    "postgresql": None,  # a fresh schema of the session's throwaway cluster (tests/pgcluster.py)
}

BRIDGE = Review(id="r1", claim_reviewed="The river bridge was closed for nine months", verdict="false")
TOWER = Review(id="r2", claim_reviewed="The clock tower was sold to a hotel chain", verdict="true", title="Tower sale")


@pytest.fixture(params=list(BACKENDS))
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of a store that does not exist yet, for each backend."""
    if request.param == "example":
        request.getfixturevalue("example_plugin")
    make = BACKENDS[request.param]
    return str(request.getfixturevalue("postgres_url")) if make is None else make(tmp_path)


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    """A new, empty store of each backend."""
    opened = open_store(url)
    yield opened
    opened.close()


def test_a_missing_store_is_not_created_when_only_reading(url: str) -> None:
    with pytest.raises(FileNotFoundError):
        open_store(url, create=False)
    open_store(url).close()
    open_store(url, create=False).close()


def test_upsert_counts_new_changed_and_identical_records(store: Store) -> None:
    with store.transaction():
        first = store.upsert([BRIDGE, TOWER])
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    changed = Review(id="r1", claim_reviewed=BRIDGE.claim_reviewed, verdict="mostly-false")
    with store.transaction():
        second = store.upsert([changed, TOWER])
    assert (second.added, second.updated, second.unchanged) == (0, 1, 1)
    assert store.get(["r1", "r2", "absent"]) == {"r1": changed, "r2": TOWER}


def test_a_failed_transaction_writes_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert([BRIDGE])
        raise RuntimeError("disk full")
    assert store.get(["r1"]) == {}


def test_keyword_search_ranks_matches_and_adds_the_asked_for_ids(store: Store) -> None:
    with store.transaction():
        store.upsert([BRIDGE, TOWER])
    hits = store.keyword_search(query_terms("bridge closed"), 5)
    assert [(h.id, h.rank) for h in hits] == [("r1", 1)] and hits[0].score > 0
    with_tower = store.keyword_search(query_terms("bridge closed"), 5, include=["r2"])
    assert [(h.id, h.rank) for h in with_tower] == [("r1", 1), ("r2", None)]
    assert store.keyword_search(query_terms("lighthouse"), 5) == []


def test_embeddings_are_kept_per_model_and_reported_missing_until_stored(store: Store) -> None:
    with store.transaction():
        store.upsert([BRIDGE, TOWER])
    assert sorted(store.missing_embeddings("m")) == [("r1", BRIDGE.claim_reviewed), ("r2", TOWER.claim_reviewed)]
    vectors = np.array([[0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
    store.put_embeddings("m", ["r1", "r2"], vectors)
    assert list(store.missing_embeddings("m")) == []
    ids, matrix = store.embeddings("m")
    assert ids == ["r1", "r2"] and np.allclose(matrix, vectors, atol=1e-3)
    assert list(store.vectors("m", ["r2", "absent"])) == ["r2"]
    assert store.embeddings("other")[0] == []


def test_the_revision_moves_on_with_every_write_and_only_then(store: Store) -> None:
    empty = store.revision()
    assert store.revision() == empty
    with store.transaction():
        store.upsert([BRIDGE])
    written = store.revision()
    assert written != empty
    store.get(["r1"])
    store.keyword_search(query_terms("bridge"), 5)
    assert store.revision() == written
    with store.transaction():
        store.upsert([BRIDGE])  # identical: nothing changed
    assert store.revision() == written


def test_a_reader_sees_another_connections_imports_at_its_next_lookup(url: str) -> None:
    writer, reader = open_store(url), open_store(url)
    try:
        with writer.transaction():
            writer.upsert([BRIDGE])
        writer.put_embeddings("m", ["r1"], np.array([[1.0, 0.0]], dtype=np.float32))
        assert [h.id for h in reader.keyword_search(query_terms("clock tower bridge"), 5)] == ["r1"]
        assert reader.embeddings("m")[0] == ["r1"]
        with writer.transaction():  # another process's import, in effect: the reader's caches must not hide it
            writer.upsert([TOWER])
        writer.put_embeddings("m", ["r2"], np.array([[0.0, 1.0]], dtype=np.float32))
        assert {h.id for h in reader.keyword_search(query_terms("clock tower bridge"), 5)} == {"r1", "r2"}
        assert reader.embeddings("m")[0] == ["r1", "r2"]
    finally:
        writer.close()
        reader.close()


def test_stats_count_the_records_by_verdict(store: Store) -> None:
    with store.transaction():
        store.upsert([BRIDGE, TOWER])
    stats = store.stats()
    assert stats["reviews"] == 2 and stats["verdicts"] == {"false": 1, "true": 1}


def test_store_urls_name_the_backend_and_bare_paths_are_sqlite(tmp_path: Path) -> None:
    assert parse_store_url("sqlite:///data/f.db") == ("sqlite", "data/f.db")
    assert parse_store_url("sqlite:////srv/f.db") == ("sqlite", "/srv/f.db")
    assert parse_store_url("/srv/f.db") == parse_store_url(Path("/srv/f.db")) == ("sqlite", "/srv/f.db")
    assert store_path("postgresql://db.internal/factsift") == "postgresql://db.internal/factsift"
    with pytest.raises(UnknownPluginError, match="unknown store backend 'mysql'; known: sqlite, postgresql, postgres"):
        open_store("mysql://db.internal/factsift")
