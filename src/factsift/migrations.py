"""Versioned schema migrations, the same way for every store (fact-checks, analyses, watch) on both backends.

Each store lists its :class:`Migration` steps per backend, numbered from 1.  The version each store's
tables are at is kept in the ``factsift_schema`` table of the database; opening a store (or
``factsift db upgrade``) applies the steps above it in one transaction, so a process never sees half
a migration, and two processes starting at once migrate once (SQLite: ``BEGIN IMMEDIATE``;
PostgreSQL: an advisory lock).  A database newer than this factsift is refused with a clear error.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from factsift.errors import FactsiftError

if TYPE_CHECKING:
    import psycopg

VERSIONS_TABLE = "factsift_schema"
_VERSIONS_SCHEMA = f"CREATE TABLE IF NOT EXISTS {VERSIONS_TABLE} (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"


@dataclass(frozen=True)
class Migration:
    """One step of a store's schema: the statements that take it from ``version - 1`` to ``version``."""

    version: int
    summary: str
    statements: tuple[str, ...]


class SchemaTooNew(FactsiftError):
    """The database was written by a newer factsift: this one does not know its schema."""


def latest(migrations: Sequence[Migration]) -> int:
    """The version a store's tables are at once every step has run (steps must be numbered 1, 2, …)."""
    for number, step in enumerate(migrations, 1):
        if step.version != number:
            raise ValueError(f"migration {step.version} ({step.summary}) is out of order: expected {number}")
    return len(migrations)


def _check(component: str, found: int, migrations: Sequence[Migration], where: str) -> None:
    known = latest(migrations)
    if found > known:
        raise SchemaTooNew(
            f"{where}: the {component} tables are at schema {found}, this factsift knows up to {known}:"
            " upgrade factsift"
        )


def migrate_sqlite(
    db: sqlite3.Connection,
    component: str,
    migrations: Sequence[Migration],
    *,
    where: str,
    assumed: Callable[[sqlite3.Connection], int] = lambda db: 0,
) -> int:
    """Bring ``component``'s tables in the SQLite file to the latest version; returns the version.

    ``db`` is in autocommit mode (``isolation_level=None``).  ``assumed`` gives the version of a file
    written before the versions table existed (0: none of the tables, or only ``IF NOT EXISTS`` ones).
    """
    current = _sqlite_version(db, component)
    if current is not None and current == latest(migrations):
        return current
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(_VERSIONS_SCHEMA)
        current = _sqlite_version(db, component)
        if current is None:
            current = assumed(db)
        _check(component, current, migrations, where)
        for step in migrations[current:]:
            for statement in step.statements:
                db.execute(statement)
        version = latest(migrations)
        db.execute(f"INSERT OR REPLACE INTO {VERSIONS_TABLE} VALUES (?, ?)", (component, version))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return version


def _sqlite_version(db: sqlite3.Connection, component: str) -> int | None:
    """The recorded version of ``component`` (None: not recorded, or no versions table yet)."""
    try:
        row = db.execute(f"SELECT version FROM {VERSIONS_TABLE} WHERE component = ?", (component,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else int(row[0])


def migrate_postgres(
    conn: psycopg.Connection[Any], component: str, migrations: Sequence[Migration], *, where: str
) -> int:
    """Bring ``component``'s tables in the PostgreSQL database to the latest version; returns the version."""
    known = latest(migrations)
    current = _postgres_version(conn, component)
    if current == known:
        return known
    with conn.transaction():
        # One migrating process per database and component; the others wait here, then find nothing to do.
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (zlib.crc32(component.encode()),))
        conn.execute(_VERSIONS_SCHEMA)
        current = _postgres_version(conn, component) or 0
        _check(component, current, migrations, where)
        for step in migrations[current:]:
            for statement in step.statements:
                conn.execute(statement)
        conn.execute(
            f"INSERT INTO {VERSIONS_TABLE} VALUES (%s, %s) ON CONFLICT (component) DO UPDATE SET version = %s",
            (component, known, known),
        )
    return known


def _postgres_version(conn: psycopg.Connection[Any], component: str) -> int | None:
    """The recorded version of ``component`` (None: not recorded, or no versions table yet)."""
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (VERSIONS_TABLE,)).fetchone()
    if not exists or not exists[0]:
        return None
    row = conn.execute(f"SELECT version FROM {VERSIONS_TABLE} WHERE component = %s", (component,)).fetchone()
    return None if row is None else int(row[0])
