"""The SQLite fact-check store: one file holding the records, an FTS5 index (BM25) and embeddings.

Tables: ``factcheck_reviews`` (one row per record), ``factcheck_fts`` (FTS5 over the claim text,
kept in step by triggers, for SQL users of the file), ``factcheck_embeddings`` (float16 unit vectors
per record and model), ``factcheck_lexical`` (the BM25 index, see below) and ``factcheck_meta``
(schema version, a revision counter that invalidates in-memory caches, and ``texts_revision``, which
moves only when records are added or changed).  Other parts of factsift (the web server) keep their own
tables in the same file.

Ranking does not use FTS5's ``bm25()``, which scores every matching row (23-46 ms a query at 100,000
reviews): BM25 over claim and title comes from :mod:`factsift.factchecks.lexical`, an index rebuilt in
the transaction that imports records and stored with the ``texts_revision`` it belongs to, so a new
process reads it (a store written by an older factsift gets it on its first query).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from factsift.factchecks.lexical import LexicalIndex, build_index, from_bytes, pack_strings, to_bytes, unpack_strings
from factsift.factchecks.records import Review
from factsift.factchecks.store import KeywordHit, Matrix, UpsertCounts, sql_stats, store_backend
from factsift.migrations import Migration, migrate_sqlite


def _split_script(script: str) -> list[str]:
    """The statements of the schema script (``sqlite3.complete_statement`` knows about trigger bodies)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]


_FIELDS = (
    "id",
    "claim_reviewed",
    "verdict",
    "rating_text",
    "rating_value",
    "best_rating",
    "worst_rating",
    "publisher",
    "url",
    "date",
    "claimant",
    "claim_date",
    "language",
    "title",
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS factcheck_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS factcheck_reviews (
    id TEXT PRIMARY KEY,
    claim_reviewed TEXT NOT NULL,
    verdict TEXT NOT NULL,
    rating_text TEXT,
    rating_value REAL,
    best_rating REAL,
    worst_rating REAL,
    publisher TEXT,
    url TEXT,
    date TEXT,
    claimant TEXT,
    claim_date TEXT,
    language TEXT,
    content_hash TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS factcheck_fts USING fts5(
    claim_reviewed, content='factcheck_reviews', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS factcheck_reviews_ai AFTER INSERT ON factcheck_reviews BEGIN
    INSERT INTO factcheck_fts(rowid, claim_reviewed) VALUES (new.rowid, new.claim_reviewed);
END;
CREATE TRIGGER IF NOT EXISTS factcheck_reviews_ad AFTER DELETE ON factcheck_reviews BEGIN
    INSERT INTO factcheck_fts(factcheck_fts, rowid, claim_reviewed) VALUES ('delete', old.rowid, old.claim_reviewed);
    DELETE FROM factcheck_embeddings WHERE review_id = old.id;
END;
CREATE TABLE IF NOT EXISTS factcheck_embeddings (
    review_id TEXT NOT NULL,
    model TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (review_id, model)
);
"""
# Added without a schema change: older readers ignore it, and it is created on first write.
_LEXICAL_TABLE = "CREATE TABLE IF NOT EXISTS factcheck_lexical (texts_revision TEXT NOT NULL, data BLOB NOT NULL)"
# Each model's vectors as one float32 matrix (and the ids of its rows) for the store revision it was built at:
# one read, used in place, instead of a row per record and a conversion.
_MATRIX_TABLE = (
    "CREATE TABLE IF NOT EXISTS factcheck_matrix (model TEXT PRIMARY KEY, revision TEXT NOT NULL, "
    "ids BLOB NOT NULL, vectors BLOB NOT NULL)"
)
# The embedding is of claim + title, so a change to either drops it (schema 2; schema 1 watched the claim only).
_UPDATE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS factcheck_reviews_au AFTER UPDATE OF claim_reviewed, title ON factcheck_reviews BEGIN
    INSERT INTO factcheck_fts(factcheck_fts, rowid, claim_reviewed) VALUES ('delete', old.rowid, old.claim_reviewed);
    INSERT INTO factcheck_fts(rowid, claim_reviewed) VALUES (new.rowid, new.claim_reviewed);
    DELETE FROM factcheck_embeddings WHERE review_id = new.id
        AND (old.claim_reviewed != new.claim_reviewed OR old.title IS NOT new.title);
END;
"""
#: The schema's steps (:mod:`factsift.migrations`); ``factcheck_meta``'s ``schema_version`` mirrors the version for
#: factsift releases older than the versions table.
MIGRATIONS = (
    Migration(
        1,
        "records, FTS5 index, embeddings",
        (*_split_script(_SCHEMA), "INSERT OR REPLACE INTO factcheck_meta VALUES ('schema_version', '1')"),
    ),
    Migration(
        2,
        "record titles; the embedding is dropped when the claim or title changes",
        (
            "ALTER TABLE factcheck_reviews ADD COLUMN title TEXT",
            "DROP TRIGGER IF EXISTS factcheck_reviews_au",
            _UPDATE_TRIGGER.strip(),
            "INSERT OR REPLACE INTO factcheck_meta VALUES ('schema_version', '2')",
        ),
    ),
)

# Dense matrices are large; keep one per (file, model) and rebuild it when the store's revision moves on.
_MATRIX_CACHE: dict[tuple[str, str], tuple[str, list[str], Matrix, dict[str, int]]] = {}
_LEXICAL_CACHE: dict[str, tuple[str, LexicalIndex]] = {}
_CACHE_LOCK = threading.Lock()


#: Records a store object keeps in memory between lookups (a few MB at most).
MAX_REMEMBERED_REVIEWS = 20_000


class SQLiteStore:
    """A :class:`~factsift.factchecks.store.Store` in one SQLite file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key = str(path.resolve())  # names this store in the per-process caches
        path.parent.mkdir(parents=True, exist_ok=True)
        self._in_transaction = False
        self._dirty = False
        self._texts_dirty = False  # records added or changed in this transaction: the lexical index is rebuilt
        self._pinned_revision: str | None = None
        self._pinned_texts_revision: str | None = None
        self._reviews: dict[str, Review] = {}  # records read lately, valid for one revision
        self._reviews_revision: str | None = None
        self._connect()

    def _connect(self) -> None:
        """Open the file (creating or migrating its tables) and remember which file it is."""
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._identity = _file_identity(self.path)
        migrate_sqlite(self._db, "factchecks", MIGRATIONS, where=str(self.path), assumed=self._meta_version)

    def _meta_version(self, db: sqlite3.Connection) -> int:
        """The schema of a file written before the versions table: ``factcheck_meta``'s, else none."""
        return int(self._meta("schema_version") or 0)

    def _meta(self, key: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM factcheck_meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return None if row is None else str(row[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all (nested calls join the outer one)."""
        if self._in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            if self._texts_dirty:
                self._bump("texts_revision")
                self._save_lexical(self._build_lexical())
            if self._dirty:
                self._bump("revision")
            self._db.execute("COMMIT")
        finally:
            self._in_transaction = False
            self._dirty = False
            self._texts_dirty = False

    def _bump(self, key: str) -> None:
        """Add one to the counter ``key`` of the meta table (inside a transaction)."""
        self._db.execute(
            "INSERT INTO factcheck_meta(key, value) VALUES (?, '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
            (key,),
        )

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Look the store's revision up once for the lookups inside (one article's claims), not at every query."""
        if self._pinned_revision is not None:
            yield
            return
        self._pinned_revision = self.revision()
        self._pinned_texts_revision = self._meta("texts_revision") or "0"
        try:
            yield
        finally:
            self._pinned_revision = None
            self._pinned_texts_revision = None

    def upsert(self, reviews: Iterable[Review]) -> UpsertCounts:
        """Insert new records and update changed ones (matched by id); identical records are left alone."""
        counts = UpsertCounts()
        with self.transaction():
            known = dict(self._db.execute("SELECT id, content_hash FROM factcheck_reviews"))
            inserts: list[tuple[Any, ...]] = []
            updates: list[tuple[Any, ...]] = []
            for review in reviews:
                digest = review.content_hash()
                previous = known.get(review.id)
                if previous == digest:
                    counts.unchanged += 1
                    continue
                row = (*(getattr(review, name) for name in _FIELDS), digest)
                if previous is None:
                    inserts.append(row)
                    counts.added += 1
                else:
                    updates.append(row)
                    counts.updated += 1
                known[review.id] = digest
            self._dirty = self._dirty or bool(inserts or updates)
            self._texts_dirty = self._texts_dirty or bool(inserts or updates)
            if updates:
                self._reviews = {}  # the revision changes only at commit; a lookup before it must not see old rows
            columns = ", ".join((*_FIELDS, "content_hash"))
            marks = ", ".join("?" for _ in range(len(_FIELDS) + 1))
            self._db.executemany(f"INSERT INTO factcheck_reviews({columns}) VALUES ({marks})", inserts)
            assignments = ", ".join(f"{name} = ?" for name in (*_FIELDS[1:], "content_hash"))
            self._db.executemany(
                f"UPDATE factcheck_reviews SET {assignments} WHERE id = ?", [(*row[1:], row[0]) for row in updates]
            )
        return counts

    def keyword_search(self, terms: Sequence[str], limit: int, *, include: Sequence[str] = ()) -> list[KeywordHit]:
        """The ``limit`` best records by BM25 over claim and title for the stemmed ``terms``, plus ``include`` ids."""
        if not terms and not include:
            return []
        index = self._lexical()
        return [KeywordHit(*found) for found in index.search(terms, limit, include=include)]

    def _lexical(self) -> LexicalIndex:
        """The BM25 index of the current records: this process's copy, else the stored one, else built now
        (and stored, when the file can be written)."""
        key = self._key
        texts = self._texts_revision()
        revision = f"{self._identity}:{texts}"
        with _CACHE_LOCK:
            cached = _LEXICAL_CACHE.get(key)
            if cached is not None and cached[0] == revision:
                return cached[1]
        index = self._stored_lexical(texts)
        if index is None:
            index = self._build_lexical()
            try:
                with self.transaction():
                    self._save_lexical(index)
            except sqlite3.OperationalError:  # a read-only file: the index lives in this process only
                pass
        with _CACHE_LOCK:
            _LEXICAL_CACHE[key] = (revision, index)
        return index

    def _build_lexical(self) -> LexicalIndex:
        """The BM25 index of the records as they are now."""
        rows = self._db.execute("SELECT id, claim_reviewed, title FROM factcheck_reviews ORDER BY rowid").fetchall()
        return build_index([(str(rid), str(claim), title) for rid, claim, title in rows])

    def _stored_lexical(self, revision: str) -> LexicalIndex | None:
        """The stored BM25 index when it was built at ``revision`` of the texts, else None."""
        try:
            row = self._db.execute("SELECT texts_revision, data FROM factcheck_lexical").fetchone()
        except sqlite3.OperationalError:  # no such table: a store written by an older factsift
            return None
        if row is None or row[0] != revision:
            return None
        try:
            return from_bytes(row[1])
        except ValueError:
            return None

    def _save_lexical(self, index: LexicalIndex) -> None:
        """Replace the stored index by ``index``, tagged with the current texts revision (inside a transaction)."""
        self._db.execute(_LEXICAL_TABLE)
        self._db.execute("DELETE FROM factcheck_lexical")
        revision = self._meta("texts_revision") or "0"
        self._db.execute("INSERT INTO factcheck_lexical VALUES (?, ?)", (revision, to_bytes(index)))

    def get(self, ids: Sequence[str]) -> dict[str, Review]:
        """The records with these ids (missing ids are absent from the result).

        Records read before are kept until the store changes: the same few reviews come back as
        candidates for claim after claim.
        """
        revision = self.revision()
        if revision != self._reviews_revision or len(self._reviews) > MAX_REMEMBERED_REVIEWS:
            self._reviews = {}
            self._reviews_revision = revision
        remembered = self._reviews
        wanted = [rid for rid in dict.fromkeys(ids) if rid not in remembered]
        columns = ", ".join(_FIELDS)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self._db.execute(f"SELECT {columns} FROM factcheck_reviews WHERE id IN ({marks})", chunk):
                review = Review(**dict(zip(_FIELDS, row, strict=True)))
                remembered[review.id] = review
        return {rid: remembered[rid] for rid in ids if rid in remembered}

    def missing_embeddings(self, model: str, field: str = "claim") -> Iterator[tuple[str, str]]:
        """(id, text) of every record whose ``field`` ("claim" or "title") has no vector under ``model`` yet."""
        column = {"claim": "claim_reviewed", "title": "title"}[field]
        rows = self._db.execute(
            f"SELECT r.id, r.{column} FROM factcheck_reviews r WHERE r.{column} IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM factcheck_embeddings e WHERE e.review_id = r.id AND e.model = ?) ORDER BY r.rowid",
            (model,),
        ).fetchall()
        for rid, text in rows:
            yield str(rid), str(text)

    def put_embeddings(self, model: str, ids: Sequence[str], vectors: Matrix) -> None:
        """Store one unit-length vector per id for ``model`` (as float16: half the size, same ranking)."""
        halves = np.asarray(vectors, dtype=np.float16)
        with self.transaction():
            self._dirty = True
            self._db.executemany(
                "INSERT OR REPLACE INTO factcheck_embeddings(review_id, model, vector) VALUES (?, ?, ?)",
                [(rid, model, halves[i].tobytes()) for i, rid in enumerate(ids)],
            )

    def _texts_revision(self) -> str:
        """The counter that moves only when records are added or changed (the lexical index's key)."""
        if self._pinned_texts_revision is not None:
            return self._pinned_texts_revision
        return self._meta("texts_revision") or "0"

    def revision(self) -> str:
        """Which file this is and its change counter: differs after any write, or when the file was replaced.

        A file replaced at the same path (another inode) is reconnected to here, so a long-lived reader
        always reads the file that is there now.
        """
        if self._pinned_revision is not None:
            return self._pinned_revision
        identity = _file_identity(self.path)
        if identity is not None and identity != self._identity and not self._in_transaction:
            self._db.close()
            self._reviews.clear()
            self._connect()
        return f"{self._identity}:{self._meta('revision') or '0'}"

    def embeddings(self, model: str) -> tuple[list[str], Matrix]:
        """Every stored (id, vector) for ``model`` as ids and one float32 matrix, cached until the store changes."""
        cached = self._cached(model)
        return cached[1], cached[2]

    def vectors(self, model: str, ids: Sequence[str]) -> dict[str, Matrix]:
        """The stored vectors of these ids for ``model`` (ids without one are absent).

        From the cached matrix when it is loaded, else read for these ids alone: a query needs the title
        vectors of its few dozen candidates, not a second 100,000-row matrix in memory.
        """
        with _CACHE_LOCK:
            cached = _MATRIX_CACHE.get((self._key, model))
        if cached is not None and cached[0] == self.revision():
            _, _, matrix, index = cached
            return {rid: matrix[index[rid]] for rid in ids if rid in index}
        found: dict[str, Matrix] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self._db.execute(
                f"SELECT review_id, vector FROM factcheck_embeddings WHERE model = ? AND review_id IN ({marks})",
                (model, *chunk),
            )
            found.update({str(rid): np.frombuffer(blob, dtype=np.float16).astype(np.float32) for rid, blob in rows})
        return found

    def _cached(self, model: str) -> tuple[str, list[str], Matrix, dict[str, int]]:
        key = (self._key, model)
        revision = self.revision()
        with _CACHE_LOCK:
            cached = _MATRIX_CACHE.get(key)
            if cached is not None and cached[0] == revision:
                return cached
        stored = self._stored_matrix(model, revision)
        if stored is None:
            rows = self._db.execute(
                "SELECT review_id, vector FROM factcheck_embeddings WHERE model = ? ORDER BY rowid", (model,)
            ).fetchall()
            halves = np.frombuffer(b"".join(blob for _, blob in rows), dtype=np.float16)
            stored = [str(rid) for rid, _ in rows], halves.astype(np.float32).tobytes()
            if rows:
                self._save_matrix(model, revision, *stored)
        ids, blob = stored
        if ids:
            dense: Matrix = np.frombuffer(blob, dtype=np.float32).reshape(len(ids), -1)
        else:
            dense = np.zeros((0, 0), dtype=np.float32)
        entry = (revision, ids, dense, {rid: i for i, rid in enumerate(ids)})
        with _CACHE_LOCK:
            _MATRIX_CACHE[key] = entry
        return entry

    def _stored_matrix(self, model: str, revision: str) -> tuple[list[str], bytes] | None:
        """The stored ids and float32 matrix bytes of ``model`` when built at this store ``revision``, else None."""
        try:
            row = self._db.execute(
                "SELECT ids, vectors FROM factcheck_matrix WHERE model = ? AND revision = ?", (model, revision)
            ).fetchone()
        except sqlite3.OperationalError:  # no such table: a store written by an older factsift
            return None
        return None if row is None else (unpack_strings(row[0]), row[1])

    def _save_matrix(self, model: str, revision: str, ids: list[str], vectors: bytes) -> None:
        """Keep the matrix for the next process (not when the file is read-only; the revision does not move)."""
        try:
            with self.transaction():
                self._db.execute(_MATRIX_TABLE)
                self._db.execute(
                    "INSERT OR REPLACE INTO factcheck_matrix VALUES (?, ?, ?, ?)",
                    (model, revision, pack_strings(ids).tobytes(), vectors),
                )
        except sqlite3.OperationalError:
            pass

    def stats(self) -> dict[str, Any]:
        """Counts by verdict, publisher and language, the date range and embedding coverage."""
        return sql_stats(lambda sql: self._db.execute(sql).fetchall(), str(self.path))

    def close(self) -> None:
        """Release the connection."""
        self._db.close()


@store_backend("sqlite")
def open_sqlite(location: str, create: bool) -> SQLiteStore:
    """The SQLite store in the file at ``location`` (created with its tables unless ``create`` is False)."""
    path = Path(location).expanduser()
    if not create and not path.is_file():
        raise FileNotFoundError(path)
    return SQLiteStore(path)


def _file_identity(path: Path) -> str | None:
    """The device and inode of the file at ``path`` (None if there is none)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return f"{status.st_dev}-{status.st_ino}"
