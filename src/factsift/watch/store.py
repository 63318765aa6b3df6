"""The watcher's archive store: kept analyses plus the watcher's own state, in the store's database.

Everything a restarted watcher needs is here: feeds with their validators and backoff, every item
seen (by canonical URL) with its state, the archive of analysed articles, fact-check matches, alerts
and their deliveries per sink. One transaction stores an article, marks its item done and records its
alerts, so a watcher killed at any instant resumes with each item archived once and each alert queued
once. Reports themselves go into the web app's analyses table (same database), so ``factsift serve`` lists
them and ``/a/{id}`` shows them.

:class:`ArchiveStore` is the interface the watcher, digest, trends and pages use; the store URL's scheme
picks the backend (``@watch_backend``): :class:`SQLiteArchiveStore` here, PostgreSQL in
:mod:`factsift.watch.pg_store`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from factsift.factchecks.store import parse_store_url
from factsift.migrations import Migration, migrate_sqlite
from factsift.options import StoreUrl
from factsift.plugins import Registry
from factsift.web.store import SQLiteAnalysisStore, insert_analysis, summarise

_SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_feeds (
    url TEXT PRIMARY KEY,
    name TEXT,
    parent TEXT,
    interval REAL,
    etag TEXT,
    last_modified TEXT,
    last_poll REAL,
    next_poll REAL NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    kind TEXT,
    items INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS watch_items (
    key TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    feed TEXT NOT NULL,
    title TEXT,
    published TEXT,
    found REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'new',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    reason TEXT,
    article_id TEXT
);
CREATE INDEX IF NOT EXISTS watch_items_pending ON watch_items (state, next_try);
CREATE TABLE IF NOT EXISTS watch_articles (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    feed TEXT NOT NULL,
    outlet TEXT,
    outlet_label TEXT,
    title TEXT,
    published TEXT,
    fetched REAL NOT NULL,
    risk_score REAL,
    risk_label TEXT,
    group_id TEXT NOT NULL,
    signature BLOB
);
CREATE INDEX IF NOT EXISTS watch_articles_fetched ON watch_articles (fetched);
CREATE INDEX IF NOT EXISTS watch_articles_group ON watch_articles (group_id);
CREATE TABLE IF NOT EXISTS watch_matches (
    article_id TEXT NOT NULL,
    review_id TEXT NOT NULL,
    claim_index INTEGER NOT NULL,
    score REAL NOT NULL,
    fetched REAL NOT NULL,
    PRIMARY KEY (article_id, review_id)
);
CREATE INDEX IF NOT EXISTS watch_matches_review ON watch_matches (review_id, fetched);
CREATE TABLE IF NOT EXISTS watch_alerts (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    story TEXT NOT NULL,
    article_id TEXT NOT NULL,
    created REAL NOT NULL,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS watch_deliveries (
    alert_id TEXT NOT NULL,
    sink TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    error TEXT,
    sent REAL,
    PRIMARY KEY (alert_id, sink)
);
CREATE INDEX IF NOT EXISTS watch_deliveries_pending ON watch_deliveries (state, next_try);
CREATE TABLE IF NOT EXISTS watch_sinks (value TEXT PRIMARY KEY);
"""
MIGRATIONS = (
    Migration(
        1,
        "feeds, items, archived articles, matches, alerts and deliveries",
        tuple(statement.strip() for statement in _SCHEMA.split(";") if statement.strip()),
    ),
)


@dataclass(frozen=True)
class FeedState:
    """A feed as the store knows it: validators for a conditional GET, backoff, and the last outcome."""

    url: str
    name: str | None
    parent: str | None
    interval: float | None
    etag: str | None
    last_modified: str | None
    last_poll: float | None
    next_poll: float
    failures: int
    error: str | None
    kind: str | None
    items: int


@dataclass(frozen=True)
class PendingItem:
    """An item seen in a feed and not yet archived (or given up on)."""

    key: str
    url: str
    feed: str
    title: str | None
    published: str | None
    attempts: int


@dataclass(frozen=True)
class Alert:
    """An alert raised by ``rule`` for ``story`` (a near-duplicate group or a recurring fact-check)."""

    id: str
    rule: str
    story: str
    payload: dict[str, Any]


@dataclass
class ArchivedArticle:
    """One analysed article and everything stored with it in one transaction."""

    id: str
    item: PendingItem
    fetched: float
    report: dict[str, Any]
    report_json: str
    group_id: str
    signature: bytes | None
    matches: list[tuple[str, int, float]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


@dataclass(frozen=True)
class Delivery:
    """One alert still to be sent to one sink."""

    alert_id: str
    sink: str
    attempts: int
    payload: dict[str, Any]


@dataclass(frozen=True)
class ArchivedRow:
    """An archived article as the digest and pages read it."""

    id: str
    url: str
    feed: str
    outlet: str | None
    outlet_label: str | None
    title: str | None
    published: str | None
    fetched: float
    risk_label: str | None
    group_id: str
    report: dict[str, Any]


class ArchiveStore(Protocol):
    """What the watcher, the digest, the trends and the pages need from a store."""

    def add_feed(self, url: str, *, name: str | None, interval: float | None, parent: str | None = None) -> None:
        """Know a feed (a configured one, or one a sitemap index or OPML list points to)."""
        ...

    def feeds(self) -> list[FeedState]:
        """Every known feed."""
        ...

    def record_poll(self, url: str, **changes: Any) -> None:
        """Update a feed's state after a poll (validators, next poll, failures, error, kind, items)."""
        ...

    def add_items(self, feed: str, items: Sequence[tuple[str, str, str | None, str | None]], now: float) -> int:
        """Add (key, url, title, published) items not seen before; return how many were new."""
        ...

    def pending_items(self, now: float, limit: int) -> list[PendingItem]:
        """Items due for fetching and analysis, oldest first."""
        ...

    def defer_item(
        self, key: str, *, reason: str, next_try: float, final_state: str | None = None, attempt: bool = True
    ) -> None:
        """Put an item off until ``next_try`` (one more attempt unless ``attempt`` is False: the host was busy),
        or end it in ``final_state`` (gone, error)."""
        ...

    def archive(self, article: ArchivedArticle) -> bool:
        """Store an analysed article, mark its item done and queue its alerts, all at once."""
        ...

    def signatures(self, since: float) -> Iterator[tuple[str, str, float, bytes]]:
        """(article id, group id, fetched, MinHash signature) of articles fetched since ``since``."""
        ...

    def group_outlets(self, group_id: str) -> list[str]:
        """The outlets that carried a near-duplicate group."""
        ...

    def match_count(self, review_id: str) -> int:
        """How many archived articles matched the fact-check ``review_id``."""
        ...

    def alert_exists(self, alert_id: str) -> bool:
        """Whether an alert with this id was raised already."""
        ...

    def pending_deliveries(self, now: float, limit: int) -> list[Delivery]:
        """Deliveries due now."""
        ...

    def delivery_done(self, alert_id: str, sink: str, *, error: str | None, next_try: float | None) -> None:
        """Record a delivery attempt: sent (error None), retry at ``next_try``, or given up (next_try None)."""
        ...

    def set_sinks(self, names: Sequence[str]) -> None:
        """The sinks new alerts are queued for."""
        ...

    def articles_since(self, since: float) -> Iterator[ArchivedRow]:
        """Archived articles fetched since ``since``, with their reports, newest first."""
        ...

    def matches(self, since: float = 0.0) -> list[tuple[str, str, float, float]]:
        """(review id, article id, fetched, score) of fact-check matches since ``since``, oldest first."""
        ...

    def article_rows(self, ids: Sequence[str]) -> dict[str, tuple[str, str | None, str | None, str | None]]:
        """(url, title, outlet, outlet label) of archived articles."""
        ...

    def alerts(self, limit: int) -> list[tuple[dict[str, Any], list[tuple[str, str, int, str | None]]]]:
        """The latest alerts with their deliveries."""
        ...

    def item_counts(self, since: float) -> dict[str, int]:
        """Items found since ``since`` by state."""
        ...

    def report(self, article_id: str) -> dict[str, Any] | None:
        """The stored report of an archived article."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


#: Opens the archive store at a location (the URL after ``scheme://``), creating its tables if needed.
OpenWatch = Callable[[str], ArchiveStore]
WATCH_BACKENDS: Registry[OpenWatch] = Registry("watch backend")


def watch_backend(scheme: str) -> Callable[[OpenWatch], OpenWatch]:
    """Register ``open(location)`` as the watch store of ``scheme://`` store URLs."""
    return WATCH_BACKENDS.decorator(scheme)


def open_archive(db: StoreUrl) -> ArchiveStore:
    """The archive store at ``db`` (a store URL or a path; the backend follows the URL's scheme)."""
    scheme, location = parse_store_url(db)
    return WATCH_BACKENDS.get(scheme)(location)


ARTICLE_COLUMNS = (
    "id, key, url, feed, outlet, outlet_label, title, published, fetched, risk_score, risk_label, group_id, signature"
)


def article_row(article: ArchivedArticle) -> tuple[Any, ...]:
    """The ``watch_articles`` row of an analysed article, in :data:`ARTICLE_COLUMNS` order."""
    report = article.report
    body = report.get("article") or {}
    risk = report.get("risk") or {}
    return (
        article.id,
        article.item.key,
        article.item.url,
        article.item.feed,
        (body.get("outlet") or {}).get("domain"),
        (report.get("source") or {}).get("label"),
        body.get("title") or article.item.title,
        article.item.published or body.get("published"),
        article.fetched,
        risk.get("score"),
        risk.get("label"),
        article.group_id,
        article.signature,
    )


class SQLiteArchiveStore:
    """The :class:`ArchiveStore` in one SQLite file (the same file as the fact-checks and web analyses)."""

    def __init__(self, path: Path) -> None:
        """Open (and create) the store's tables in ``path``."""
        self.path = path
        SQLiteAnalysisStore(path)  # creates the analyses table (and the folder) if needed
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        migrate_sqlite(self._db, "watch", MIGRATIONS, where=str(path))
        self._lock = threading.RLock()  # the watcher's fetch threads share this connection

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE), under the connection's lock."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one query, under the connection's lock."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def add_feed(self, url: str, *, name: str | None, interval: float | None, parent: str | None = None) -> None:
        """Know a feed; a configured feed's name and interval are updated, its state kept."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO watch_feeds (url, name, interval, parent) VALUES (?, ?, ?, ?) ON CONFLICT(url) DO UPDATE"
                " SET name = coalesce(excluded.name, name), interval = coalesce(excluded.interval, interval)",
                (url, name, interval, parent),
            )

    def feeds(self) -> list[FeedState]:
        """Every known feed, in the order they were added."""
        rows = self._read(
            "SELECT url, name, parent, interval, etag, last_modified, last_poll, next_poll, failures, error, kind,"
            " items FROM watch_feeds ORDER BY rowid"
        )
        return [FeedState(*row) for row in rows]

    _POLL_FIELDS = frozenset({"etag", "last_modified", "last_poll", "next_poll", "failures", "error", "kind", "items"})

    def record_poll(self, url: str, **changes: Any) -> None:
        """Update a feed's state after a poll."""
        unknown = set(changes) - self._POLL_FIELDS
        if unknown:
            raise ValueError(f"unknown feed field(s): {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in changes)
        with self._transaction() as db:
            db.execute(f"UPDATE watch_feeds SET {assignments} WHERE url = ?", (*changes.values(), url))

    def add_items(self, feed: str, items: Sequence[tuple[str, str, str | None, str | None]], now: float) -> int:
        """Add the items not seen before (by key); return how many were new."""
        with self._transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO watch_items (key, url, feed, title, published, found) VALUES (?, ?, ?, ?, ?, ?)",
                [(key, url, feed, title, published, now) for key, url, title, published in items],
            )
            return db.total_changes - before

    def pending_items(self, now: float, limit: int) -> list[PendingItem]:
        """Items due for fetching and analysis, oldest first."""
        rows = self._read(
            "SELECT key, url, feed, title, published, attempts FROM watch_items WHERE state = 'new' AND next_try <= ?"
            " ORDER BY found, rowid LIMIT ?",
            (now, limit),
        )
        return [PendingItem(*row) for row in rows]

    def defer_item(
        self, key: str, *, reason: str, next_try: float, final_state: str | None = None, attempt: bool = True
    ) -> None:
        """Retry an item later, or end it in ``final_state``."""
        with self._transaction() as db:
            db.execute(
                "UPDATE watch_items SET attempts = attempts + ?, next_try = ?, reason = ?, state = ? WHERE key = ?",
                (int(attempt), next_try, reason, final_state or "new", key),
            )

    def archive(self, article: ArchivedArticle) -> bool:
        """Store the article, its matches and alerts, and mark its item done; False if it was archived already."""
        with self._transaction() as db:
            cursor = db.execute(
                f"INSERT OR IGNORE INTO watch_articles ({ARTICLE_COLUMNS}) VALUES ({', '.join('?' * 13)})",
                article_row(article),
            )
            if cursor.rowcount == 0:
                return False
            insert_analysis(db, summarise(article.report, article.id), article.report_json)
            db.executemany(
                "INSERT OR IGNORE INTO watch_matches (article_id, review_id, claim_index, score, fetched)"
                " VALUES (?, ?, ?, ?, ?)",
                [(article.id, review, claim, score, article.fetched) for review, claim, score in article.matches],
            )
            db.execute(
                "UPDATE watch_items SET state = 'done', article_id = ?, reason = NULL WHERE key = ?",
                (article.id, article.item.key),
            )
            self._queue_alerts(db, article.alerts, article.id, article.fetched)
        return True

    def _queue_alerts(self, db: sqlite3.Connection, alerts: list[Alert], article_id: str, now: float) -> None:
        """Insert alerts not raised before and queue one delivery per configured sink."""
        sinks = [row[0] for row in db.execute("SELECT value FROM watch_sinks")] if alerts else []
        for alert in alerts:
            cursor = db.execute(
                "INSERT OR IGNORE INTO watch_alerts (id, rule, story, article_id, created, payload)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (alert.id, alert.rule, alert.story, article_id, now, json.dumps(alert.payload, ensure_ascii=False)),
            )
            if cursor.rowcount:
                db.executemany(
                    "INSERT OR IGNORE INTO watch_deliveries (alert_id, sink) VALUES (?, ?)",
                    [(alert.id, sink) for sink in sinks],
                )

    def set_sinks(self, names: Sequence[str]) -> None:
        """The sinks new alerts are queued for (the configured ones)."""
        with self._transaction() as db:
            db.execute("DELETE FROM watch_sinks")
            db.executemany("INSERT INTO watch_sinks (value) VALUES (?)", [(name,) for name in names])

    def signatures(self, since: float) -> Iterator[tuple[str, str, float, bytes]]:
        """(article id, group id, fetched, signature) of recent articles, oldest first."""
        yield from self._read(
            "SELECT id, group_id, fetched, signature FROM watch_articles WHERE fetched >= ? AND signature IS NOT NULL"
            " ORDER BY fetched",
            (since,),
        )

    def group_outlets(self, group_id: str) -> list[str]:
        """The distinct outlets of a near-duplicate group, first seen first."""
        rows = self._read(
            "SELECT outlet FROM watch_articles WHERE group_id = ? GROUP BY outlet ORDER BY min(fetched)", (group_id,)
        )
        return [row[0] for row in rows if row[0]]

    def match_count(self, review_id: str) -> int:
        """How many archived articles matched ``review_id``."""
        ((count,),) = self._read("SELECT count(*) FROM watch_matches WHERE review_id = ?", (review_id,))
        return int(count)

    def alert_exists(self, alert_id: str) -> bool:
        """Whether ``alert_id`` was raised already."""
        return bool(self._read("SELECT 1 FROM watch_alerts WHERE id = ?", (alert_id,)))

    def pending_deliveries(self, now: float, limit: int) -> list[Delivery]:
        """Deliveries due now, oldest alert first."""
        rows = self._read(
            "SELECT d.alert_id, d.sink, d.attempts, a.payload FROM watch_deliveries d JOIN watch_alerts a"
            " ON a.id = d.alert_id WHERE d.state = 'pending' AND d.next_try <= ? ORDER BY a.created, a.rowid LIMIT ?",
            (now, limit),
        )
        return [Delivery(alert_id, sink, attempts, json.loads(payload)) for alert_id, sink, attempts, payload in rows]

    def delivery_done(self, alert_id: str, sink: str, *, error: str | None, next_try: float | None) -> None:
        """Record a delivery attempt's outcome."""
        state = "sent" if error is None else ("pending" if next_try is not None else "failed")
        with self._transaction() as db:
            db.execute(
                "UPDATE watch_deliveries SET state = ?, attempts = attempts + 1, next_try = ?, error = ?, sent = ?"
                " WHERE alert_id = ? AND sink = ?",
                (state, next_try or 0, error, time.time() if error is None else None, alert_id, sink),
            )

    # Reading, for the digest, the trends and the pages.

    def articles_since(self, since: float) -> Iterator[ArchivedRow]:
        """Archived articles fetched since ``since``, with their reports, newest first (streamed from a
        connection of its own, so a long period is never held in memory at once)."""
        reader = sqlite3.connect(self.path, timeout=30)
        try:
            rows = reader.execute(
                "SELECT a.id, a.url, a.feed, a.outlet, a.outlet_label, a.title, a.published, a.fetched, a.risk_label,"
                " a.group_id, w.report FROM watch_articles a JOIN web_analyses w ON w.id = a.id WHERE a.fetched >= ?"
                " ORDER BY a.fetched DESC",
                (since,),
            )
            for identifier, url, feed, outlet, label, title, published, fetched, risk, group, report in rows:
                yield ArchivedRow(
                    identifier, url, feed, outlet, label, title, published, fetched, risk, group, json.loads(report)
                )
        finally:
            reader.close()

    def matches(self, since: float = 0.0) -> list[tuple[str, str, float, float]]:
        """(review id, article id, fetched, score) of every fact-check match since ``since``, oldest first."""
        return self._read(
            "SELECT review_id, article_id, fetched, score FROM watch_matches WHERE fetched >= ? ORDER BY fetched",
            (since,),
        )

    def article_rows(self, ids: Sequence[str]) -> dict[str, tuple[str, str | None, str | None, str | None]]:
        """(url, title, outlet, outlet label) of the given archived articles."""
        found: dict[str, tuple[str, str | None, str | None, str | None]] = {}
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for identifier, *fields in self._read(
                f"SELECT id, url, title, outlet, outlet_label FROM watch_articles WHERE id IN ({marks})", part
            ):
                found[identifier] = (fields[0], fields[1], fields[2], fields[3])
        return found

    def alerts(self, limit: int) -> list[tuple[dict[str, Any], list[tuple[str, str, int, str | None]]]]:
        """The latest alerts with (sink, state, attempts, last error) of each delivery."""
        alerts = self._read("SELECT id, payload FROM watch_alerts ORDER BY created DESC, rowid DESC LIMIT ?", (limit,))
        result = []
        for identifier, payload in alerts:
            deliveries = self._read(
                "SELECT sink, state, attempts, error FROM watch_deliveries WHERE alert_id = ? ORDER BY sink",
                (identifier,),
            )
            result.append((json.loads(payload), deliveries))
        return result

    def item_counts(self, since: float) -> dict[str, int]:
        """Items found since ``since`` by state (new, done, gone, error, robots, refused)."""
        rows = self._read("SELECT state, count(*) FROM watch_items WHERE found >= ? GROUP BY state", (since,))
        return {state: int(count) for state, count in rows}

    def report(self, article_id: str) -> dict[str, Any] | None:
        """The stored report of an archived article."""
        rows = self._read("SELECT report FROM web_analyses WHERE id = ?", (article_id,))
        return json.loads(rows[0][0]) if rows else None


@watch_backend("sqlite")
def open_sqlite_archive(location: str) -> SQLiteArchiveStore:
    """The watch tables in the SQLite file at ``location``."""
    return SQLiteArchiveStore(Path(location).expanduser())
