"""The PostgreSQL fact-check store: records, the persisted BM25 index and embeddings in one database.

Selected by a ``postgresql://`` (or ``postgres://``) store URL; several web processes, watchers and
batch jobs on several machines share it.  Retrieval is the SQLite store's, so it ranks the same:

- **Keywords**: the BM25 index of :mod:`factsift.factchecks.lexical`, rebuilt in the transaction that
  imports records and stored with the ``texts_revision`` it belongs to (``factcheck_lexical``); each
  process keeps a copy until that counter moves.
- **Vectors**: float16 unit vectors per record and model (``factcheck_embeddings``), loaded into one
  float32 matrix per process and searched in memory (pgvector is not needed), reloaded when the
  store's revision moves, so every process sees the others' imports at its next article.

Writes are transactions: records are copied into a staging table and merged with ``INSERT … ON
CONFLICT (id)``, so a repeated import changes nothing and a reader sees an import whole or not at all.
Write transactions take one advisory lock, so two imports never interleave their index rebuilds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from factsift.factchecks.lexical import LexicalIndex, build_index, from_bytes, to_bytes
from factsift.factchecks.records import Review
from factsift.factchecks.store import KeywordHit, Matrix, UpsertCounts, sql_stats, store_backend
from factsift.migrations import Migration, migrate_postgres
from factsift.postgres import SCHEMES, connection, redacted, table_exists

if TYPE_CHECKING:
    import psycopg

_FIELDS = tuple(Review.__dataclass_fields__)  # the columns of a record, in the SQLite store's order
_COLUMNS = ", ".join((*_FIELDS, "content_hash"))

MIGRATIONS = (
    Migration(
        1,
        "records, embeddings, the BM25 index and the revision counters",
        (
            "CREATE TABLE factcheck_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "INSERT INTO factcheck_meta VALUES ('instance', md5(random()::text || clock_timestamp()::text)),"
            " ('revision', '0'), ('texts_revision', '0')",
            """CREATE TABLE factcheck_reviews (
                seq BIGINT GENERATED ALWAYS AS IDENTITY,
                id TEXT PRIMARY KEY,
                claim_reviewed TEXT NOT NULL,
                verdict TEXT NOT NULL,
                rating_text TEXT,
                rating_value DOUBLE PRECISION,
                best_rating DOUBLE PRECISION,
                worst_rating DOUBLE PRECISION,
                publisher TEXT,
                url TEXT,
                date TEXT,
                claimant TEXT,
                claim_date TEXT,
                language TEXT,
                title TEXT,
                content_hash TEXT NOT NULL
            )""",
            """CREATE TABLE factcheck_embeddings (
                review_id TEXT NOT NULL REFERENCES factcheck_reviews (id) ON DELETE CASCADE,
                model TEXT NOT NULL,
                vector BYTEA NOT NULL,
                seq BIGINT GENERATED ALWAYS AS IDENTITY,
                PRIMARY KEY (model, review_id)
            )""",
            "CREATE TABLE factcheck_lexical (texts_revision TEXT NOT NULL, data BYTEA NOT NULL)",
        ),
    ),
)
_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS factcheck_staging (ord INTEGER, id TEXT, claim_reviewed TEXT, verdict TEXT,"
    " rating_text TEXT, rating_value DOUBLE PRECISION, best_rating DOUBLE PRECISION, worst_rating DOUBLE PRECISION,"
    " publisher TEXT, url TEXT, date TEXT, claimant TEXT, claim_date TEXT, language TEXT, title TEXT,"
    " content_hash TEXT) ON COMMIT DELETE ROWS"
)
_MERGE = (
    f"INSERT INTO factcheck_reviews ({_COLUMNS}) SELECT {_COLUMNS} FROM factcheck_staging ORDER BY ord"
    " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in (*_FIELDS[1:], "content_hash"))
    + " WHERE factcheck_reviews.content_hash IS DISTINCT FROM excluded.content_hash"
)
#: The advisory lock every write transaction holds (imports rebuild the index one at a time).
_WRITE_LOCK = 0x66616374  # "fact"

_MATRIX_CACHE: dict[tuple[str, str], tuple[str, list[str], Matrix, dict[str, int]]] = {}
_LEXICAL_CACHE: dict[str, tuple[str, LexicalIndex]] = {}
_CACHE_LOCK = threading.Lock()

#: Records a store object keeps in memory between lookups (a few MB at most).
MAX_REMEMBERED_REVIEWS = 20_000


class PostgresStore:
    """A :class:`~factsift.factchecks.store.Store` in a PostgreSQL database (connections from the process's pool)."""

    def __init__(self, location: str) -> None:
        self.location = location
        self._tx: psycopg.Connection[Any] | None = None  # the connection of the open transaction
        self._dirty = False
        self._texts_dirty = False
        self._pinned: tuple[str, str] | None = None  # (revision, texts revision) inside pinned()
        self._reviews: dict[str, Review] = {}
        self._reviews_revision: str | None = None

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        """The open transaction's connection, else one from the pool for this call."""
        if self._tx is not None:
            yield self._tx
            return
        with connection(self.location) as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all (nested calls join the outer one)."""
        if self._tx is not None:
            yield
            return
        with connection(self.location) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            self._tx = conn
            try:
                yield
                if self._texts_dirty:
                    texts = self._bump(conn, "texts_revision")
                    self._save_lexical(conn, texts, self._build_lexical(conn))
                if self._dirty:
                    self._bump(conn, "revision")
            finally:
                self._tx = None
                self._dirty = self._texts_dirty = False

    @staticmethod
    def _bump(conn: psycopg.Connection[Any], key: str) -> str:
        """Add one to the counter ``key`` and return its new value (inside a transaction)."""
        row = conn.execute(
            "UPDATE factcheck_meta SET value = (value::bigint + 1)::text WHERE key = %s RETURNING value", (key,)
        ).fetchone()
        assert row is not None
        return str(row[0])

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Look the revisions up once for the lookups inside (one article's claims), not at every query."""
        if self._pinned is not None:
            yield
            return
        self._pinned = self._revisions()
        try:
            yield
        finally:
            self._pinned = None

    def _revisions(self) -> tuple[str, str]:
        """(revision, texts revision) as stored now, each prefixed by this database's random instance id
        (a database dropped and created again at the same URL never matches a cache of the old one)."""
        with self._conn() as conn:
            meta = dict(conn.execute("SELECT key, value FROM factcheck_meta").fetchall())
        return f"{meta['instance']}:{meta['revision']}", f"{meta['instance']}:{meta['texts_revision']}"

    def revision(self) -> str:
        """The database's identity and change counter: differs after any committed write."""
        return self._pinned[0] if self._pinned is not None else self._revisions()[0]

    def upsert(self, reviews: Iterable[Review]) -> UpsertCounts:
        """Insert new records and update changed ones (matched by id); identical records are left alone."""
        counts = UpsertCounts()
        incoming = list(reviews)
        with self.transaction(), self._conn() as conn:
            known: dict[str, tuple[str, str, str | None]] = {
                rid: (digest, claim, title)
                for rid, digest, claim, title in conn.execute(
                    "SELECT id, content_hash, claim_reviewed, title FROM factcheck_reviews WHERE id = ANY(%s)",
                    (list({review.id for review in incoming}),),
                )
            }
            changed: dict[str, tuple[Any, ...]] = {}  # by id: a later copy in the same batch wins, as one by one
            stale_vectors: list[str] = []
            for review in incoming:
                digest = review.content_hash()
                previous = known.get(review.id)
                if previous is not None and previous[0] == digest:
                    counts.unchanged += 1
                    continue
                if previous is None:
                    counts.added += 1
                else:
                    counts.updated += 1
                    if (previous[1], previous[2]) != (review.claim_reviewed, review.title):
                        stale_vectors.append(review.id)
                known[review.id] = (digest, review.claim_reviewed, review.title)
                changed[review.id] = (*(getattr(review, name) for name in _FIELDS), digest)
            rows = [(order, *row) for order, row in enumerate(changed.values())]
            if not rows:
                return counts
            self._dirty = self._texts_dirty = True
            self._reviews = {}
            conn.execute(_STAGING)
            with conn.cursor().copy(f"COPY factcheck_staging (ord, {_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.execute(_MERGE)
            if stale_vectors:  # the embedding is of claim + title: a change to either drops it
                conn.execute("DELETE FROM factcheck_embeddings WHERE review_id = ANY(%s)", (stale_vectors,))
        return counts

    def keyword_search(self, terms: Sequence[str], limit: int, *, include: Sequence[str] = ()) -> list[KeywordHit]:
        """The ``limit`` best records by BM25 over claim and title for the stemmed ``terms``, plus ``include`` ids."""
        if not terms and not include:
            return []
        return [KeywordHit(*found) for found in self._lexical().search(terms, limit, include=include)]

    def _lexical(self) -> LexicalIndex:
        """The BM25 index of the current records: this process's copy, else the stored one, else built now."""
        texts = self._pinned[1] if self._pinned is not None else self._revisions()[1]
        with _CACHE_LOCK:
            cached = _LEXICAL_CACHE.get(self.location)
        if cached is not None and cached[0] == texts:
            return cached[1]
        with self._conn() as conn:
            row = conn.execute("SELECT texts_revision, data FROM factcheck_lexical").fetchone()
        stored_at = texts.split(":", 1)[1]
        index = from_bytes(bytes(row[1])) if row is not None and row[0] == stored_at else None
        if index is None:  # not stored yet (an empty store, or loaded by `factsift db load`): build and keep it
            with self.transaction(), self._conn() as conn:
                texts = self._revisions()[1]
                index = self._build_lexical(conn)
                self._save_lexical(conn, texts.split(":", 1)[1], index)
        with _CACHE_LOCK:
            _LEXICAL_CACHE[self.location] = (texts, index)
        return index

    @staticmethod
    def _build_lexical(conn: psycopg.Connection[Any]) -> LexicalIndex:
        """The BM25 index of the records as they are now, in import order."""
        rows = conn.execute("SELECT id, claim_reviewed, title FROM factcheck_reviews ORDER BY seq").fetchall()
        return build_index([(str(rid), str(claim), title) for rid, claim, title in rows])

    @staticmethod
    def _save_lexical(conn: psycopg.Connection[Any], texts_revision: str, index: LexicalIndex) -> None:
        """Replace the stored index by ``index``, tagged with ``texts_revision`` (inside a transaction)."""
        conn.execute("DELETE FROM factcheck_lexical")
        conn.execute("INSERT INTO factcheck_lexical VALUES (%s, %s)", (texts_revision, to_bytes(index)))

    def get(self, ids: Sequence[str]) -> dict[str, Review]:
        """The records with these ids (missing ids are absent); records read before are kept until the store changes."""
        revision = self.revision()
        if revision != self._reviews_revision or len(self._reviews) > MAX_REMEMBERED_REVIEWS:
            self._reviews = {}
            self._reviews_revision = revision
        remembered = self._reviews
        wanted = [rid for rid in dict.fromkeys(ids) if rid not in remembered]
        if wanted:
            with self._conn() as conn:
                rows = conn.execute(
                    f"SELECT {', '.join(_FIELDS)} FROM factcheck_reviews WHERE id = ANY(%s)", (wanted,)
                ).fetchall()
            for row in rows:
                review = Review(**dict(zip(_FIELDS, row, strict=True)))
                remembered[review.id] = review
        return {rid: remembered[rid] for rid in ids if rid in remembered}

    def missing_embeddings(self, model: str, field: str = "claim") -> Iterator[tuple[str, str]]:
        """(id, text) of every record whose ``field`` ("claim" or "title") has no vector under ``model`` yet."""
        column = {"claim": "claim_reviewed", "title": "title"}[field]
        with self._conn() as conn:
            rows = conn.execute(
                f"SELECT r.id, r.{column} FROM factcheck_reviews r WHERE r.{column} IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM factcheck_embeddings e WHERE e.model = %s AND e.review_id = r.id) ORDER BY r.seq",
                (model,),
            ).fetchall()
        for rid, text in rows:
            yield str(rid), str(text)

    def put_embeddings(self, model: str, ids: Sequence[str], vectors: Matrix) -> None:
        """Store one unit-length vector per id for ``model`` (float16: half the size, same ranking)."""
        halves = np.asarray(vectors, dtype=np.float16)
        with self.transaction(), self._conn() as conn:
            self._dirty = True
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO factcheck_embeddings (review_id, model, vector) VALUES (%s, %s, %s)"
                    " ON CONFLICT (model, review_id) DO UPDATE SET vector = excluded.vector",
                    [(rid, model, halves[i].tobytes()) for i, rid in enumerate(ids)],
                )

    def embeddings(self, model: str) -> tuple[list[str], Matrix]:
        """Every stored (id, vector) for ``model`` as ids and one float32 matrix, cached until the store changes."""
        _, ids, matrix, _ = self._matrix(model)
        return ids, matrix

    def _matrix(self, model: str) -> tuple[str, list[str], Matrix, dict[str, int]]:
        """This process's matrix of ``model``'s vectors at the current revision (read from the database when stale)."""
        key = (self.location, model)
        revision = self.revision()
        with _CACHE_LOCK:
            cached = _MATRIX_CACHE.get(key)
        if cached is not None and cached[0] == revision:
            return cached
        with self._conn() as conn, conn.cursor(binary=True) as cursor:
            rows = cursor.execute(
                "SELECT review_id, vector FROM factcheck_embeddings WHERE model = %s ORDER BY seq", (model,)
            ).fetchall()
        ids = [str(rid) for rid, _ in rows]
        if rows:
            halves = np.frombuffer(b"".join(bytes(blob) for _, blob in rows), dtype=np.float16)
            dense: Matrix = halves.astype(np.float32).reshape(len(rows), -1)
        else:
            dense = np.zeros((0, 0), dtype=np.float32)
        entry = (revision, ids, dense, {rid: i for i, rid in enumerate(ids)})
        with _CACHE_LOCK:
            _MATRIX_CACHE[key] = entry
        return entry

    def vectors(self, model: str, ids: Sequence[str]) -> dict[str, Matrix]:
        """The stored vectors of these ids for ``model``: from the loaded matrix when current, else read for them."""
        with _CACHE_LOCK:
            cached = _MATRIX_CACHE.get((self.location, model))
        if cached is not None and cached[0] == self.revision():
            _, _, matrix, index = cached
            return {rid: matrix[index[rid]] for rid in ids if rid in index}
        with self._conn() as conn, conn.cursor(binary=True) as cursor:
            rows = cursor.execute(
                "SELECT review_id, vector FROM factcheck_embeddings WHERE model = %s AND review_id = ANY(%s)",
                (model, list(dict.fromkeys(ids))),
            ).fetchall()
        return {str(rid): np.frombuffer(bytes(blob), dtype=np.float16).astype(np.float32) for rid, blob in rows}

    def stats(self) -> dict[str, Any]:
        """Counts by verdict, publisher and language, the date range and embedding coverage."""
        with self._conn() as conn:
            return sql_stats(lambda sql: conn.execute(sql).fetchall(), "postgresql://" + redacted(self.location))

    def close(self) -> None:
        """Nothing to release: connections go back to the process's pool after each call."""


def open_postgres(location: str, create: bool) -> PostgresStore:
    """The fact-check store in the database at ``location`` (its tables created or migrated unless ``create`` is
    False and there are none: then FileNotFoundError)."""
    with connection(location) as conn:
        if not create and not table_exists(conn, "factcheck_meta"):
            raise FileNotFoundError(f"no fact-check store in postgresql://{redacted(location)}")
        migrate_postgres(conn, "factchecks", MIGRATIONS, where="postgresql://" + redacted(location))
    return PostgresStore(location)


for _scheme in SCHEMES:
    store_backend(_scheme)(open_postgres)
