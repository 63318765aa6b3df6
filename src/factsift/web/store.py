"""Saved analyses: one table in the same database as the fact-check store, chosen by the same store URL.

Each analysis gets an unguessable id so its page can be shared by link.  Listing is newest first
with an opaque cursor (the row's sequence number), so pages stay stable while new rows arrive.
:class:`AnalysisStore` is the interface; :class:`SQLiteAnalysisStore` (a file or ``sqlite:///`` URL) and
:mod:`factsift.web.pg_store` (``postgresql://``) implement it, registered with ``@analyses_backend``.
"""

from __future__ import annotations

import base64
import json
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from factsift.factchecks.store import parse_store_url
from factsift.migrations import Migration, migrate_sqlite
from factsift.options import StoreUrl
from factsift.plugins import Registry

TABLE = "web_analyses"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    title TEXT,
    outlet TEXT,
    input_kind TEXT,
    risk_score REAL,
    risk_label TEXT,
    report TEXT NOT NULL
)
"""
MIGRATIONS = (Migration(1, "saved analyses", (_SCHEMA,)),)
#: The columns of a summary, in :class:`Summary`'s order.
SUMMARY_COLUMNS = "id, created, title, outlet, input_kind, risk_score, risk_label"


#: The largest sequence number SQLite can hold: a cursor past it was not handed out by this server.
MAX_SEQ = 2**63 - 1


#: Free space below which the store reports itself unhealthy (writes are about to fail).
MIN_FREE_BYTES = 16 * 1024 * 1024


class StoreUnavailable(Exception):
    """The store cannot be read or written (damaged, read-only, disk full): the server answers 503."""


class BadCursor(ValueError):
    """A listing cursor that this server did not hand out."""


@dataclass(frozen=True)
class Summary:
    """One line of the analyses list: enough to show and link it without loading the report."""

    id: str
    created: str
    title: str | None
    outlet: str | None
    input_kind: str | None
    risk_score: float | None
    risk_label: str | None


@dataclass(frozen=True)
class Stored:
    """A saved analysis with its full report as stored JSON text (``factsift.report/1``)."""

    summary: Summary
    report_json: str

    @property
    def report(self) -> dict[str, Any]:
        """The report parsed into plain data."""
        data: dict[str, Any] = json.loads(self.report_json)
        return data


def encode_cursor(seq: int) -> str:
    """An opaque cursor for "rows older than ``seq``"."""
    return base64.urlsafe_b64encode(f"v1:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The sequence number inside a cursor; raises :class:`BadCursor` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        prefix, _, number = raw.partition(":")
        if prefix != "v1" or not number.isdigit() or int(number) > MAX_SEQ:
            raise ValueError(raw)
        return int(number)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadCursor(f"invalid cursor {cursor!r}") from exc


def _outlet_label(report: dict[str, Any]) -> str | None:
    outlet = (report.get("article") or {}).get("outlet") or {}
    name, domain = outlet.get("name"), outlet.get("domain")
    return " · ".join(x for x in (name, domain) if x) or None


def summarise(report: dict[str, Any], analysis_id: str) -> Summary:
    """The list line of ``report`` stored now under ``analysis_id``."""
    article = report.get("article") or {}
    risk = report.get("risk") or {}
    return Summary(
        id=analysis_id,
        created=datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        title=article.get("title"),
        outlet=_outlet_label(report),
        input_kind=(report.get("input") or {}).get("kind"),
        risk_score=risk.get("score"),
        risk_label=risk.get("label"),
    )


def insert_analysis(conn: sqlite3.Connection, summary: Summary, report_json: str) -> None:
    """Insert one analysis row through ``conn`` (the caller's transaction; the watcher's archive uses it)."""
    conn.execute(
        f"INSERT OR IGNORE INTO {TABLE} ({SUMMARY_COLUMNS}, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (*astuple(summary), report_json),
    )


class AnalysisStore(Protocol):
    """Where the web server keeps saved analyses (one backend per store URL scheme)."""

    write_error: str | None

    def ping(self) -> None:
        """Raise StoreUnavailable unless the store can be read and written (used by ``/healthz``)."""
        ...

    def save(self, report: dict[str, Any], report_json: str | None = None) -> Summary:
        """Store one report under a new random id and return its summary."""
        ...

    def get(self, analysis_id: str) -> Stored | None:
        """The analysis called ``analysis_id``, or None."""
        ...

    def delete(self, analysis_id: str) -> bool:
        """Delete one analysis; False if it did not exist."""
        ...

    def list(self, limit: int, cursor: str | None = None) -> tuple[list[Summary], str | None]:
        """Up to ``limit`` analyses, newest first, after ``cursor``; returns (rows, next cursor or None)."""
        ...

    def count(self) -> int:
        """How many analyses are stored."""
        ...


#: Opens the analyses store at a location (the URL after ``scheme://``), creating its table if needed.
OpenAnalyses = Callable[[str], AnalysisStore]
ANALYSES_BACKENDS: Registry[OpenAnalyses] = Registry("analyses backend")


def analyses_backend(scheme: str) -> Callable[[OpenAnalyses], OpenAnalyses]:
    """Register ``open(location)`` as the analyses store of ``scheme://`` store URLs."""
    return ANALYSES_BACKENDS.decorator(scheme)


def open_analyses(db: StoreUrl) -> AnalysisStore:
    """The analyses store at ``db`` (a store URL or a path: the same database as the fact-checks)."""
    scheme, location = parse_store_url(db)
    return ANALYSES_BACKENDS.get(scheme)(location)


class SavingStore:
    """What every backend shares: a new id per report, and a failed write remembered for ``/healthz``."""

    write_error: str | None = None  # why the last write failed, until one succeeds

    def save(self, report: dict[str, Any], report_json: str | None = None) -> Summary:
        """Store one report under a new random id and return its summary.

        ``report_json`` is the report already encoded, when the caller has it (saves encoding twice).
        """
        summary = summarise(report, secrets.token_urlsafe(12))
        try:
            self._insert(summary, report_json if report_json is not None else json.dumps(report, ensure_ascii=False))
        except (sqlite3.Error, OSError) as exc:
            self.write_error = str(exc)
            raise StoreUnavailable(f"the report could not be stored: {exc}") from exc
        self.write_error = None
        return summary

    def _insert(self, summary: Summary, report_json: str) -> None:
        """Write one row (the backend's; OSError or sqlite3.Error when it cannot)."""
        raise NotImplementedError


class SQLiteAnalysisStore(SavingStore):
    """Create, read, list and delete saved analyses in the SQLite file ``db`` (created on first use)."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.write_error = None
        self.db.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        raw = sqlite3.connect(self.db, timeout=30.0, isolation_level=None)
        try:
            migrate_sqlite(raw, "analyses", MIGRATIONS, where=str(self.db))
        finally:
            raw.close()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.db, timeout=30.0)
        try:
            conn.execute("PRAGMA busy_timeout=30000")
            with conn:
                yield conn
        finally:
            conn.close()

    def ping(self) -> None:
        """Raise StoreUnavailable unless the store can be read and written (used by ``/healthz``)."""
        try:
            with self._connect() as conn:
                conn.execute(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchall()
            free = shutil.disk_usage(self.db.parent).free
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(f"the analyses store cannot be read: {exc}") from exc
        if self.write_error:
            raise StoreUnavailable(f"the last write to the analyses store failed: {self.write_error}")
        if free < MIN_FREE_BYTES:
            raise StoreUnavailable(f"the analyses store's disk has only {free // 1024} KB free")

    def _insert(self, summary: Summary, report_json: str) -> None:
        """Write one row (a method, so tests can make the disk "full")."""
        with self._connect() as conn:
            insert_analysis(conn, summary, report_json)

    def get(self, analysis_id: str) -> Stored | None:
        """The analysis called ``analysis_id``, or None."""
        with self._connect() as conn:
            row = conn.execute(
                f"SELECT {SUMMARY_COLUMNS}, report FROM {TABLE} WHERE id = ?",
                (analysis_id,),
            ).fetchone()
        if row is None:
            return None
        return Stored(summary=Summary(*row[:7]), report_json=row[7])

    def delete(self, analysis_id: str) -> bool:
        """Delete one analysis; False if it did not exist."""
        with self._connect() as conn:
            cursor = conn.execute(f"DELETE FROM {TABLE} WHERE id = ?", (analysis_id,))
        return cursor.rowcount > 0

    def list(self, limit: int, cursor: str | None = None) -> tuple[list[Summary], str | None]:
        """Up to ``limit`` analyses, newest first, after ``cursor``; returns (rows, next cursor or None)."""
        before = decode_cursor(cursor) if cursor else None
        query = f"SELECT seq, {SUMMARY_COLUMNS} FROM {TABLE}"
        params: tuple[int, ...] = (limit + 1,)
        if before is not None:
            query += " WHERE seq < ?"
            params = (before, limit + 1)
        query += " ORDER BY seq DESC LIMIT ?"
        with self._connect() as conn:
            rows = conn.execute(query, params).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1][0]) if more and rows else None
        return [Summary(*row[1:]) for row in rows], next_cursor

    def count(self) -> int:
        """How many analyses are stored."""
        with self._connect() as conn:
            (total,) = conn.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()
        return int(total)


@analyses_backend("sqlite")
def open_sqlite_analyses(location: str) -> AnalysisStore:
    """The analyses table in the SQLite file at ``location``."""
    return SQLiteAnalysisStore(Path(location).expanduser())
