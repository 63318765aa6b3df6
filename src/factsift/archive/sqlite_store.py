"""The SQLite archive: kept articles and the int8 vectors of their titles and claims, in the factsift file.

Tables: ``archive_articles`` (one row per article; ``seq`` moves on with every change, so an in-process index
reads only what changed since it was built) and ``archive_vectors`` (one blob per article and model: the
title's row, then the claims', int8).  They live beside the fact-checks and the web analyses in one file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from factsift.archive.store import (
    ARTICLE_COLUMNS,
    AddCounts,
    ArchiveCounts,
    IndexRow,
    Int8Matrix,
    KeptArticle,
    archive_backend,
    article_write,
    kept_from_row,
)
from factsift.migrations import Migration, migrate_sqlite

_SCHEMA = """
CREATE TABLE IF NOT EXISTS archive_articles (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    url TEXT,
    outlet TEXT,
    outlet_label TEXT,
    outlet_score REAL,
    published TEXT,
    title TEXT,
    text TEXT NOT NULL,
    claims TEXT NOT NULL,
    added REAL NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS archive_articles_published ON archive_articles (published, outlet);
CREATE TABLE IF NOT EXISTS archive_vectors (
    article_id TEXT NOT NULL,
    model TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vectors BLOB NOT NULL,
    PRIMARY KEY (article_id, model)
);
"""
MIGRATIONS = (
    Migration(
        1,
        "kept articles and their int8 vectors",
        tuple(statement.strip() for statement in _SCHEMA.split(";") if statement.strip()),
    ),
)


class SQLiteArticleArchive:
    """An :class:`~factsift.archive.store.ArticleArchive` in one SQLite file (created on first use)."""

    def __init__(self, path: Path) -> None:
        """Open (and create) the archive's tables in ``path``."""
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        migrate_sqlite(self._db, "archive", MIGRATIONS, where=str(path))
        self._lock = threading.RLock()

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one query, under the connection's lock."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _next_seq(self) -> int:
        """The sequence number after the highest one (inside a write transaction)."""
        return int(self._db.execute("SELECT coalesce(max(seq), 0) + 1 FROM archive_articles").fetchone()[0])

    def add(self, articles: Iterable[KeptArticle]) -> AddCounts:
        """Insert new articles and replace changed ones in one transaction (vectors dropped when words changed)."""
        counts = AddCounts()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                seq = self._next_seq()
                now = time.time()
                for article in articles:
                    old = self._db.execute(
                        "SELECT content_hash, title, claims FROM archive_articles WHERE id = ?", (article.id,)
                    ).fetchone()
                    write = article_write(article, old, counts)
                    if write is None:
                        continue
                    if old is None:
                        self._db.execute(
                            f"INSERT INTO archive_articles ({ARTICLE_COLUMNS}, seq, added, content_hash)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (*write.row, seq, now, write.digest),
                        )
                    else:
                        self._db.execute(
                            "UPDATE archive_articles SET url = ?, outlet = ?, outlet_label = ?, outlet_score = ?,"
                            " published = ?, title = ?, text = ?, claims = ?, seq = ?, added = ?, content_hash = ?"
                            " WHERE id = ?",
                            (*write.row[1:], seq, now, write.digest, article.id),
                        )
                        if write.stale:
                            self._db.execute("DELETE FROM archive_vectors WHERE article_id = ?", (article.id,))
                    seq += 1
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return counts

    def put_vectors(self, model: str, items: Sequence[tuple[str, Int8Matrix]]) -> None:
        """Store each article's int8 vectors under ``model`` and move its ``seq`` on (the index reloads it)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                seq = self._next_seq()
                for identifier, vectors in items:
                    matrix = np.ascontiguousarray(vectors, dtype=np.int8)
                    if matrix.ndim != 2:
                        raise ValueError(f"vectors of {identifier!r} must be a matrix, got shape {matrix.shape}")
                    moved = self._db.execute("UPDATE archive_articles SET seq = ? WHERE id = ?", (seq, identifier))
                    if moved.rowcount == 0:
                        continue  # the article is gone: nothing to attach the vectors to
                    self._db.execute(
                        "INSERT OR REPLACE INTO archive_vectors (article_id, model, dim, vectors) VALUES (?, ?, ?, ?)",
                        (identifier, model, matrix.shape[1], matrix.tobytes()),
                    )
                    seq += 1
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def missing_vectors(self, model: str, limit: int) -> list[KeptArticle]:
        """Up to ``limit`` articles without vectors under ``model``, oldest first."""
        rows = self._read(
            f"SELECT {ARTICLE_COLUMNS} FROM archive_articles a WHERE NOT EXISTS (SELECT 1 FROM archive_vectors v"
            " WHERE v.article_id = a.id AND v.model = ?) ORDER BY seq LIMIT ?",
            (model, limit),
        )
        return [kept_from_row(row) for row in rows]

    def index_rows(self, model: str, after: int = 0) -> Iterator[IndexRow]:
        """Every article with ``seq`` above ``after``, by ``seq`` (streamed from a connection of its own)."""
        reader = sqlite3.connect(self.path, timeout=30)
        try:
            rows = reader.execute(
                "SELECT a.seq, a.id, a.outlet, a.published, a.title, a.claims, v.dim, v.vectors FROM archive_articles a"
                " LEFT JOIN archive_vectors v ON v.article_id = a.id AND v.model = ? WHERE a.seq > ? ORDER BY a.seq",
                (model, after),
            )
            for seq, identifier, outlet, published, title, claims, dim, blob in rows:
                vectors = np.frombuffer(blob, dtype=np.int8).reshape(-1, dim) if blob is not None else None
                yield IndexRow(seq, identifier, outlet, published, title, tuple(json.loads(claims)), vectors)
        finally:
            reader.close()

    def get(self, ids: Sequence[str]) -> dict[str, KeptArticle]:
        """The articles with these ids."""
        found: dict[str, KeptArticle] = {}
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for row in self._read(f"SELECT {ARTICLE_COLUMNS} FROM archive_articles WHERE id IN ({marks})", part):
                found[row[0]] = kept_from_row(row)
        return found

    def counts(self, since: str | None = None, until: str | None = None) -> ArchiveCounts:
        """Articles and distinct outlets published between ``since`` and ``until`` (inclusive ISO dates)."""
        where, params = _period(since, until)
        ((articles, outlets),) = self._read(
            f"SELECT count(*), count(DISTINCT outlet) FROM archive_articles WHERE {where}", params
        )
        return ArchiveCounts(int(articles), int(outlets))

    def stats(self) -> dict[str, Any]:
        """Totals, date range, undated articles and vectors by model."""
        ((articles, outlets, first, last, undated),) = self._read(
            "SELECT count(*), count(DISTINCT outlet), min(published), max(published),"
            " sum(published IS NULL) FROM archive_articles"
        )
        vectors = dict(self._read("SELECT model, count(*) FROM archive_vectors GROUP BY model"))
        return {
            "articles": int(articles),
            "outlets": int(outlets),
            "first": first,
            "last": last,
            "undated": int(undated or 0),
            "vectors": {str(model): int(count) for model, count in vectors.items()},
        }

    def revision(self) -> int:
        """The highest ``seq`` (0 when empty)."""
        ((seq,),) = self._read("SELECT coalesce(max(seq), 0) FROM archive_articles")
        return int(seq)


def _period(since: str | None, until: str | None) -> tuple[str, list[str]]:
    """A WHERE clause over ``published`` for an inclusive date period (open ends allowed)."""
    clauses, params = ["1 = 1"], []
    if since is not None:
        clauses.append("published >= ?")
        params.append(since[:10])
    if until is not None:
        clauses.append("published <= ?")
        params.append(until[:10] + "\uffff")  # a stored date-time on the last day still counts
    return " AND ".join(clauses), params


@archive_backend("sqlite")
def open_sqlite_archive(location: str, create: bool) -> SQLiteArticleArchive:
    """The SQLite archive in the file ``location``; ``create=False``: FileNotFoundError if there is none."""
    path = Path(location)
    if not create and not path.is_file():
        raise FileNotFoundError(f"no factsift store at {path}")
    return SQLiteArticleArchive(path)
