"""The fact-check store interface: what importer, retrieval and stats need, and nothing else.

A store is named by a URL whose scheme picks the backend: ``sqlite:///relative/file.db``,
``sqlite:////absolute/file.db`` or a bare path (SQLite, :mod:`factsift.factchecks.sqlite_store`, the
default).  Another backend (PostgreSQL with its full-text search and pgvector, say) implements the
same :class:`Store`, registers with ``@store_backend("scheme")`` and must pass the store contract
tests (``tests/factchecks/test_store_contract.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from factsift.factchecks.records import Review
from factsift.options import StoreUrl, default_store
from factsift.plugins import Registry
from factsift.postgres import redacted

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

    def revision(self) -> str:
        """A token that changes whenever what the store holds may have changed (caches compare it)."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


#: Opens the store at a location (the URL after ``scheme://``); ``create=False``: FileNotFoundError if absent.
OpenStore = Callable[[str, bool], Store]
STORE_BACKENDS: Registry[OpenStore] = Registry("store backend")


def store_backend(scheme: str) -> Callable[[OpenStore], OpenStore]:
    """Register ``open(location, create)`` as the backend of ``scheme://`` store URLs."""
    return STORE_BACKENDS.decorator(scheme)


def parse_store_url(db: StoreUrl | None) -> tuple[str, str]:
    """(scheme, location) of a store URL; a bare path (or None: the default file) is SQLite.

    As in SQLAlchemy, ``sqlite:///x.db`` is the relative path ``x.db`` and ``sqlite:////x.db`` is ``/x.db``.
    """
    if db is None:
        db = default_store()
    if isinstance(db, Path) or "://" not in db:
        return "sqlite", str(Path(db).expanduser())
    scheme, location = db.split("://", 1)
    if scheme == "sqlite":
        location = location.removeprefix("/")
    return scheme, location


def store_path(db: StoreUrl | None) -> str:
    """The store's URL (without its password) or file as the user should see it in messages."""
    scheme, location = parse_store_url(db)
    return location if scheme == "sqlite" else f"{scheme}://{redacted(location)}"


def open_store(db: StoreUrl | None = None, *, create: bool = True) -> Store:
    """Open the store at ``db`` (URL or path; default file when None); ``create=False``: FileNotFoundError if absent."""
    scheme, location = parse_store_url(db)
    return STORE_BACKENDS.get(scheme)(location, create)


def sql_stats(rows: Callable[[str], list[Any]], where: str) -> dict[str, Any]:
    """:meth:`Store.stats` of a store in a SQL database (SQLite and PostgreSQL share the queries);
    ``rows(sql)`` runs one query."""

    def counts(sql: str) -> dict[Any, int]:
        return {key: int(count) for key, count in rows(sql)}

    ((total,),) = rows("SELECT COUNT(*) FROM factcheck_reviews")
    ((first, last),) = rows("SELECT MIN(date), MAX(date) FROM factcheck_reviews")
    return {
        "path": where,
        "reviews": int(total),
        "verdicts": counts("SELECT verdict, COUNT(*) FROM factcheck_reviews GROUP BY verdict ORDER BY 2 DESC"),
        "publishers": counts(
            "SELECT COALESCE(publisher, '(unknown)'), COUNT(*) FROM factcheck_reviews "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"
        ),
        "languages": counts(
            "SELECT COALESCE(language, '(unknown)'), COUNT(*) FROM factcheck_reviews GROUP BY 1 ORDER BY 2 DESC"
        ),
        "first_date": first,
        "last_date": last,
        "embeddings": counts("SELECT model, COUNT(*) FROM factcheck_embeddings GROUP BY model"),
    }


_READERS = threading.local()
MAX_SHARED_READERS = 4  # per thread


def shared_reader(db: StoreUrl | None = None) -> Store | None:
    """The store at ``db`` opened for lookups and kept open for this thread; None if there is no such store.

    Opening a store costs about a third of a millisecond, as much as matching a dozen claims: an analysis
    reuses the connection of the one before.  The store's :meth:`Store.revision` tells its caches when
    its content changed (a replaced SQLite file is reconnected to by the store itself).
    """
    key = "://".join(parse_store_url(db))
    readers: dict[str, Store] | None = getattr(_READERS, "stores", None)
    if readers is None:
        readers = _READERS.stores = {}
    cached = readers.get(key)
    if cached is not None:
        return cached
    try:
        store = open_store(db, create=False)
    except FileNotFoundError:
        return None
    while len(readers) >= MAX_SHARED_READERS:  # a process that reads many stores keeps only the latest open
        oldest = next(iter(readers))
        readers.pop(oldest).close()
    readers[key] = store
    return store
