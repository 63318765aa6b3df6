"""The article archive in PostgreSQL: kept articles and the int8 vectors of their titles and claims.

The same tables as :mod:`factsift.archive.sqlite_store`, in the database a ``postgresql://`` store URL names.
``seq`` moves on with every change and an in-process index reads the rows after the last ``seq`` it saw;
so that no row can commit with a lower ``seq`` after a reader has passed it, write transactions hold one
advisory lock (they number and commit one at a time, in order).  Inserts are ``ON CONFLICT (id)``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from factsift.archive.store import (
    ARTICLE_COLUMNS,
    AddCounts,
    ArchiveCounts,
    IndexRow,
    Int8Matrix,
    KeptArticle,
    StoredVersion,
    archive_backend,
    article_write,
    kept_from_row,
)
from factsift.migrations import Migration, migrate_postgres
from factsift.postgres import SCHEMES, connection, redacted, table_exists

if TYPE_CHECKING:
    import psycopg

MIGRATIONS = (
    Migration(
        1,
        "kept articles and their int8 vectors",
        (
            """CREATE TABLE archive_articles (
                id TEXT PRIMARY KEY, seq BIGINT NOT NULL UNIQUE, url TEXT, outlet TEXT, outlet_label TEXT,
                outlet_score DOUBLE PRECISION, published TEXT, title TEXT, text TEXT NOT NULL, claims TEXT NOT NULL,
                added DOUBLE PRECISION NOT NULL, content_hash TEXT NOT NULL
            )""",
            "CREATE INDEX archive_articles_published ON archive_articles (published, outlet)",
            """CREATE TABLE archive_vectors (
                article_id TEXT NOT NULL, model TEXT NOT NULL, dim INTEGER NOT NULL, vectors BYTEA NOT NULL,
                PRIMARY KEY (article_id, model)
            )""",
        ),
    ),
)
_WRITE_LOCK = 0x61726368  # "arch"
_ADD_CHUNK = 500
_UPSERT = (
    f"INSERT INTO archive_articles ({ARTICLE_COLUMNS}, seq, added, content_hash)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET"
    " url = excluded.url, outlet = excluded.outlet, outlet_label = excluded.outlet_label,"
    " outlet_score = excluded.outlet_score, published = excluded.published, title = excluded.title,"
    " text = excluded.text, claims = excluded.claims, seq = excluded.seq, added = excluded.added,"
    " content_hash = excluded.content_hash"
)


def _next_seq(conn: psycopg.Connection[Any]) -> int:
    """The sequence number after the highest one (inside a write transaction, under the write lock)."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
    row = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM archive_articles").fetchone()
    return int(row[0]) if row else 1


class PostgresArticleArchive:
    """An :class:`~factsift.archive.store.ArticleArchive` in a PostgreSQL database."""

    def __init__(self, location: str) -> None:
        self.location = location

    def close(self) -> None:
        """Nothing to release: connections go back to the process's pool after each call."""

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one query."""
        with connection(self.location) as conn:
            return conn.execute(sql, params).fetchall()

    def add(self, articles: Iterable[KeptArticle]) -> AddCounts:
        """Insert new articles and replace changed ones in one transaction (vectors dropped when words changed).

        Articles go in chunks of :data:`_ADD_CHUNK`: one look-up of the stored hashes and one pipelined batch of
        writes per chunk, not two round trips per article.  An id repeated within the call sees its earlier copy.
        """
        counts = AddCounts()
        articles = iter(articles)
        with connection(self.location) as conn, conn.transaction(), conn.cursor() as cursor:
            seq = _next_seq(conn)
            now = time.time()
            written: dict[str, StoredVersion] = {}  # id -> hash, title, claims written by this call
            while chunk := list(islice(articles, _ADD_CHUNK)):
                stored = {
                    row[0]: (row[1], row[2], row[3])
                    for row in conn.execute(
                        "SELECT id, content_hash, title, claims FROM archive_articles WHERE id = ANY(%s)",
                        ([article.id for article in chunk],),
                    )
                }
                rows: list[tuple[Any, ...]] = []
                stale: list[tuple[str]] = []
                for article in chunk:
                    write = article_write(article, written.get(article.id) or stored.get(article.id), counts)
                    if write is None:
                        continue
                    rows.append((*write.row, seq, now, write.digest))
                    if write.stale:
                        stale.append((article.id,))
                    written[article.id] = write.version
                    seq += 1
                cursor.executemany(_UPSERT, rows)
                cursor.executemany("DELETE FROM archive_vectors WHERE article_id = %s", stale)
        return counts

    def put_vectors(self, model: str, items: Sequence[tuple[str, Int8Matrix]]) -> None:
        """Store each article's int8 vectors under ``model`` and move its ``seq`` on (the index reloads it)."""
        with connection(self.location) as conn, conn.transaction():
            seq = _next_seq(conn)
            for identifier, vectors in items:
                matrix = np.ascontiguousarray(vectors, dtype=np.int8)
                if matrix.ndim != 2:
                    raise ValueError(f"vectors of {identifier!r} must be a matrix, got shape {matrix.shape}")
                moved = conn.execute("UPDATE archive_articles SET seq = %s WHERE id = %s", (seq, identifier))
                if moved.rowcount == 0:
                    continue  # the article is gone: nothing to attach the vectors to
                conn.execute(
                    "INSERT INTO archive_vectors (article_id, model, dim, vectors) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (article_id, model) DO UPDATE SET dim = excluded.dim, vectors = excluded.vectors",
                    (identifier, model, matrix.shape[1], matrix.tobytes()),
                )
                seq += 1

    def missing_vectors(self, model: str, limit: int) -> list[KeptArticle]:
        """Up to ``limit`` articles without vectors under ``model``, oldest first."""
        rows = self._read(
            f"SELECT {ARTICLE_COLUMNS} FROM archive_articles a WHERE NOT EXISTS (SELECT 1 FROM archive_vectors v"
            " WHERE v.article_id = a.id AND v.model = %s) ORDER BY seq LIMIT %s",
            (model, limit),
        )
        return [kept_from_row(row) for row in rows]

    def index_rows(self, model: str, after: int = 0) -> Iterator[IndexRow]:
        """Every article with ``seq`` above ``after``, by ``seq`` (streamed through a server-side cursor)."""
        with connection(self.location) as conn, conn.transaction(), conn.cursor(name="index_rows") as cursor:
            cursor.execute(
                "SELECT a.seq, a.id, a.outlet, a.published, a.title, a.claims, v.dim, v.vectors FROM archive_articles a"
                " LEFT JOIN archive_vectors v ON v.article_id = a.id AND v.model = %s WHERE a.seq > %s ORDER BY a.seq",
                (model, after),
            )
            for seq, identifier, outlet, published, title, claims, dim, blob in cursor:
                vectors = np.frombuffer(bytes(blob), dtype=np.int8).reshape(-1, dim) if blob is not None else None
                yield IndexRow(int(seq), identifier, outlet, published, title, tuple(json.loads(claims)), vectors)

    def get(self, ids: Sequence[str]) -> dict[str, KeptArticle]:
        """The articles with these ids."""
        rows = self._read(f"SELECT {ARTICLE_COLUMNS} FROM archive_articles WHERE id = ANY(%s)", (list(ids),))
        return {row[0]: kept_from_row(row) for row in rows}

    def counts(self, since: str | None = None, until: str | None = None) -> ArchiveCounts:
        """Articles and distinct outlets published between ``since`` and ``until`` (inclusive ISO dates)."""
        ((articles, outlets),) = self._read(
            "SELECT count(*), count(DISTINCT outlet) FROM archive_articles"
            " WHERE (%s::text IS NULL OR published >= %s) AND (%s::text IS NULL OR published <= %s)",
            (
                since,
                since and since[:10],
                until,
                until and until[:10] + "\uffff",  # a stored date-time on the last day still counts
            ),
        )
        return ArchiveCounts(int(articles), int(outlets))

    def stats(self) -> dict[str, Any]:
        """Totals, date range, undated articles and vectors by model."""
        ((articles, outlets, first, last, undated),) = self._read(
            "SELECT count(*), count(DISTINCT outlet), min(published), max(published),"
            " count(*) FILTER (WHERE published IS NULL) FROM archive_articles"
        )
        vectors = self._read("SELECT model, count(*) FROM archive_vectors GROUP BY model")
        return {
            "articles": int(articles),
            "outlets": int(outlets),
            "first": first,
            "last": last,
            "undated": int(undated or 0),
            "vectors": {str(model): int(count) for model, count in vectors},
        }

    def revision(self) -> int:
        """The highest ``seq`` (0 when empty)."""
        ((seq,),) = self._read("SELECT coalesce(max(seq), 0) FROM archive_articles")
        return int(seq)


def open_postgres_archive(location: str, create: bool) -> PostgresArticleArchive:
    """The archive in the database at ``location`` (its tables created or migrated; ``create=False`` and none
    there: FileNotFoundError)."""
    with connection(location) as conn:
        if not create and not table_exists(conn, "archive_articles"):
            raise FileNotFoundError(f"no article archive in postgresql://{redacted(location)}")
        migrate_postgres(conn, "archive", MIGRATIONS, where="postgresql://" + redacted(location))
    return PostgresArticleArchive(location)


for _scheme in SCHEMES:
    archive_backend(_scheme)(open_postgres_archive)
