"""Saved analyses in PostgreSQL: the ``web_analyses`` table of the database a ``postgresql://`` store URL names.

Several ``factsift serve`` processes (``--workers N``, or servers on several machines) and the watcher
write here at once: each row's id is new and random, the insert is ``ON CONFLICT DO NOTHING`` (a
retried write never makes a second row), and the sequence number orders the list newest first.
The report is kept as the JSON text it was served as (``jsonb`` would reorder its keys).
"""

from __future__ import annotations

from dataclasses import astuple
from typing import TYPE_CHECKING, Any

from factsift.migrations import Migration, migrate_postgres
from factsift.postgres import SCHEMES, connection, redacted
from factsift.web.store import (
    SUMMARY_COLUMNS,
    TABLE,
    AnalysisStore,
    SavingStore,
    Stored,
    StoreUnavailable,
    Summary,
    analyses_backend,
    decode_cursor,
    encode_cursor,
)

if TYPE_CHECKING:
    import psycopg

MIGRATIONS = (
    Migration(
        1,
        "saved analyses",
        (
            f"""CREATE TABLE {TABLE} (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                created TEXT NOT NULL,
                title TEXT,
                outlet TEXT,
                input_kind TEXT,
                risk_score DOUBLE PRECISION,
                risk_label TEXT,
                report TEXT NOT NULL
            )""",
        ),
    ),
)


def insert_analysis(conn: psycopg.Connection[Any], summary: Summary, report_json: str) -> bool:
    """Insert one analysis row through ``conn`` (the caller's transaction); False if its id was there already."""
    cursor = conn.execute(
        f"INSERT INTO {TABLE} ({SUMMARY_COLUMNS}, report) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (id) DO NOTHING",
        (*astuple(summary), report_json),
    )
    return cursor.rowcount > 0


class PostgresAnalysisStore(SavingStore):
    """Create, read, list and delete saved analyses in a PostgreSQL database."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.write_error = None
        with connection(location) as conn:
            migrate_postgres(conn, "analyses", MIGRATIONS, where="postgresql://" + redacted(location))

    def ping(self) -> None:
        """Raise StoreUnavailable unless the table can be read and the last write succeeded."""
        try:
            with connection(self.location) as conn:
                conn.execute(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchall()
        except OSError as exc:
            raise StoreUnavailable(f"the analyses store cannot be read: {exc}") from exc
        if self.write_error:
            raise StoreUnavailable(f"the last write to the analyses store failed: {self.write_error}")

    def _insert(self, summary: Summary, report_json: str) -> None:
        """Write one row in its own transaction."""
        with connection(self.location) as conn:
            insert_analysis(conn, summary, report_json)

    def get(self, analysis_id: str) -> Stored | None:
        """The analysis called ``analysis_id``, or None."""
        with connection(self.location) as conn:
            row = conn.execute(
                f"SELECT {SUMMARY_COLUMNS}, report FROM {TABLE} WHERE id = %s", (analysis_id,)
            ).fetchone()
        return None if row is None else Stored(summary=Summary(*row[:7]), report_json=row[7])

    def delete(self, analysis_id: str) -> bool:
        """Delete one analysis; False if it did not exist."""
        with connection(self.location) as conn:
            return conn.execute(f"DELETE FROM {TABLE} WHERE id = %s", (analysis_id,)).rowcount > 0

    def list(self, limit: int, cursor: str | None = None) -> tuple[list[Summary], str | None]:
        """Up to ``limit`` analyses, newest first, after ``cursor``; returns (rows, next cursor or None)."""
        before = decode_cursor(cursor) if cursor else None
        with connection(self.location) as conn:
            rows = conn.execute(
                f"SELECT seq, {SUMMARY_COLUMNS} FROM {TABLE} WHERE %s::bigint IS NULL OR seq < %s"
                " ORDER BY seq DESC LIMIT %s",
                (before, before, limit + 1),
            ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1][0]) if more and rows else None
        return [Summary(*row[1:]) for row in rows], next_cursor

    def count(self) -> int:
        """How many analyses are stored."""
        with connection(self.location) as conn:
            row = conn.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()
        return int(row[0]) if row else 0


def open_postgres_analyses(location: str) -> AnalysisStore:
    """The analyses table in the PostgreSQL database at ``location`` (created or migrated on first use)."""
    return PostgresAnalysisStore(location)


for _scheme in SCHEMES:
    analyses_backend(_scheme)(open_postgres_analyses)
