"""The fact-check store interface: what importer, retrieval and stats need, and nothing else.

SQLite (:mod:`factsift.factchecks.sqlite_store`) is the default backend; another backend
(PostgreSQL with its full-text search and pgvector, say) implements the same :class:`Store`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from factsift.factchecks.records import Review
from factsift.options import default_db_path

Matrix = npt.NDArray[np.float32]
TITLE_KEY = "#title"  # suffix of the embedding key under which records' title vectors are stored


def title_key(model_id: str) -> str:
    """The store key of the title vectors computed by ``model_id`` (claim vectors use ``model_id`` itself)."""
    return model_id + TITLE_KEY


@dataclass
class UpsertCounts:
    """How a batch of records changed the store."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class KeywordHit:
    """A record found by keyword search: its combined BM25 score, the score of each text field, and its rank
    in the keyword list (None for a record that was only asked about)."""

    id: str
    score: float
    fields: dict[str, float]
    rank: int | None = None


class Store(Protocol):
    """A place that keeps fact-checks, a keyword index over their claims, and their sentence embeddings."""

    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside happen together or not at all."""
        ...

    def pinned(self) -> AbstractContextManager[None]:
        """Read-only lookups inside may assume the store does not change (cached indexes are checked once)."""
        ...

    def upsert(self, reviews: Iterable[Review]) -> UpsertCounts:
        """Insert new records and update changed ones (matched by id); identical records are left alone."""
        ...

    def keyword_search(self, terms: Sequence[str], limit: int, *, include: Sequence[str] = ()) -> list[KeywordHit]:
        """The ``limit`` best records by BM25 over claim and title (``terms`` as :func:`.terms.query_terms` makes
        them), best first, then the ``include`` ids that were not among them (with their scores, maybe 0)."""
        ...

    def get(self, ids: Sequence[str]) -> dict[str, Review]:
        """The records with these ids (missing ids are absent from the result)."""
        ...

    def missing_embeddings(self, model: str, field: str = "claim") -> Iterator[tuple[str, str]]:
        """(id, text) of every record whose ``field`` ("claim" or "title") has no vector under ``model`` yet."""
        ...

    def put_embeddings(self, model: str, ids: Sequence[str], vectors: Matrix) -> None:
        """Store one unit-length vector per id for ``model``."""
        ...

    def embeddings(self, model: str) -> tuple[list[str], Matrix]:
        """Every stored (id, vector) for ``model``, as ids and one float32 matrix (cached between calls)."""
        ...

    def vectors(self, model: str, ids: Sequence[str]) -> dict[str, Matrix]:
        """The stored vectors of these ids for ``model`` (ids without one are absent)."""
        ...

    def stats(self) -> dict[str, Any]:
        """Counts by verdict, publisher and language, date range and embedding coverage."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


def store_path(db: Path | None) -> Path:
    """The store file: ``db`` when given, else ``$FACTSIFT_DB`` or the user data dir."""
    return Path(db).expanduser() if db is not None else default_db_path()


def open_store(db: Path | None = None, *, create: bool = True) -> Store:
    """Open the store at ``db`` (default path when None); ``create=False`` raises FileNotFoundError if it is missing."""
    from factsift.factchecks.sqlite_store import SQLiteStore

    path = store_path(db)
    if not create and not path.exists():
        raise FileNotFoundError(path)
    return SQLiteStore(path)


_READERS = threading.local()
MAX_SHARED_READERS = 4  # per thread


def shared_reader(db: Path | None = None) -> Store | None:
    """The store at ``db`` opened for lookups and kept open for this thread; None if there is no store file.

    Opening a store costs about a third of a millisecond, as much as matching a dozen claims: an analysis
    reuses the connection of the one before.  A file replaced at the same path (another inode) is reopened.
    """
    path = store_path(db)
    try:
        status = os.stat(path)
    except OSError:
        return None
    key = str(path.resolve())
    readers: dict[str, tuple[tuple[int, int], Store]] | None = getattr(_READERS, "stores", None)
    if readers is None:
        readers = _READERS.stores = {}
    identity = (status.st_dev, status.st_ino)
    cached = readers.get(key)
    if cached is not None and cached[0] == identity:
        return cached[1]
    if cached is not None:
        cached[1].close()
        del readers[key]
    while len(readers) >= MAX_SHARED_READERS:  # a process that reads many stores keeps only the latest open
        oldest = next(iter(readers))
        readers.pop(oldest)[1].close()
    store = open_store(path, create=False)
    readers[key] = (identity, store)
    return store
