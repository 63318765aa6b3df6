"""The watcher's state in PostgreSQL: feeds, items, archived articles, matches, alerts and deliveries.

The same tables as :class:`~factsift.watch.store.SQLiteArchiveStore`, in the database a ``postgresql://``
store URL names, with a ``seq`` column where SQLite orders by ``rowid``.  Archiving an article (its
row, its report in ``web_analyses``, its matches, its item marked done and its alerts queued) is one
transaction; every insert is ``ON CONFLICT DO NOTHING``, so two watchers, or one restarted mid-way,
archive each item once and queue each alert once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from factsift.migrations import Migration, migrate_postgres
from factsift.postgres import SCHEMES, connection, redacted
from factsift.watch.store import (
    ARTICLE_COLUMNS,
    Alert,
    ArchivedArticle,
    ArchivedRow,
    Delivery,
    FeedState,
    PendingItem,
    article_row,
    watch_backend,
)
from factsift.web.pg_store import PostgresAnalysisStore, insert_analysis
from factsift.web.store import summarise

if TYPE_CHECKING:
    import psycopg

MIGRATIONS = (
    Migration(
        1,
        "feeds, items, archived articles, matches, alerts and deliveries",
        (
            """CREATE TABLE watch_feeds (
                url TEXT PRIMARY KEY, name TEXT, parent TEXT, interval DOUBLE PRECISION, etag TEXT,
                last_modified TEXT, last_poll DOUBLE PRECISION, next_poll DOUBLE PRECISION NOT NULL DEFAULT 0,
                failures INTEGER NOT NULL DEFAULT 0, error TEXT, kind TEXT, items INTEGER NOT NULL DEFAULT 0,
                seq BIGINT GENERATED ALWAYS AS IDENTITY
            )""",
            """CREATE TABLE watch_items (
                key TEXT PRIMARY KEY, url TEXT NOT NULL, feed TEXT NOT NULL, title TEXT, published TEXT,
                found DOUBLE PRECISION NOT NULL, state TEXT NOT NULL DEFAULT 'new', attempts INTEGER NOT NULL DEFAULT 0,
                next_try DOUBLE PRECISION NOT NULL DEFAULT 0, reason TEXT, article_id TEXT,
                seq BIGINT GENERATED ALWAYS AS IDENTITY
            )""",
            "CREATE INDEX watch_items_pending ON watch_items (state, next_try)",
            """CREATE TABLE watch_articles (
                id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, url TEXT NOT NULL, feed TEXT NOT NULL, outlet TEXT,
                outlet_label TEXT, title TEXT, published TEXT, fetched DOUBLE PRECISION NOT NULL,
                risk_score DOUBLE PRECISION, risk_label TEXT, group_id TEXT NOT NULL, signature BYTEA
            )""",
            "CREATE INDEX watch_articles_fetched ON watch_articles (fetched)",
            "CREATE INDEX watch_articles_group ON watch_articles (group_id)",
            """CREATE TABLE watch_matches (
                article_id TEXT NOT NULL, review_id TEXT NOT NULL, claim_index INTEGER NOT NULL,
                score DOUBLE PRECISION NOT NULL, fetched DOUBLE PRECISION NOT NULL, PRIMARY KEY (article_id, review_id)
            )""",
            "CREATE INDEX watch_matches_review ON watch_matches (review_id, fetched)",
            """CREATE TABLE watch_alerts (
                id TEXT PRIMARY KEY, rule TEXT NOT NULL, story TEXT NOT NULL, article_id TEXT NOT NULL,
                created DOUBLE PRECISION NOT NULL, payload TEXT NOT NULL, seq BIGINT GENERATED ALWAYS AS IDENTITY
            )""",
            """CREATE TABLE watch_deliveries (
                alert_id TEXT NOT NULL, sink TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
                attempts INTEGER NOT NULL DEFAULT 0, next_try DOUBLE PRECISION NOT NULL DEFAULT 0, error TEXT,
                sent DOUBLE PRECISION, PRIMARY KEY (alert_id, sink)
            )""",
            "CREATE INDEX watch_deliveries_pending ON watch_deliveries (state, next_try)",
            "CREATE TABLE watch_sinks (value TEXT PRIMARY KEY)",
        ),
    ),
)
_POLL_FIELDS = frozenset({"etag", "last_modified", "last_poll", "next_poll", "failures", "error", "kind", "items"})


class PostgresArchiveStore:
    """The :class:`~factsift.watch.store.ArchiveStore` in a PostgreSQL database (the fetch threads share a pool)."""

    def __init__(self, location: str) -> None:
        """Create or migrate the watch tables (and the analyses table they store reports in)."""
        self.location = location
        PostgresAnalysisStore(location)
        with connection(location) as conn:
            migrate_postgres(conn, "watch", MIGRATIONS, where="postgresql://" + redacted(location))

    def close(self) -> None:
        """Nothing to release: connections go back to the process's pool after each call."""

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one query."""
        with connection(self.location) as conn:
            return conn.execute(sql, params).fetchall()

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement in its own transaction; the rows it changed."""
        with connection(self.location) as conn:
            return conn.execute(sql, params).rowcount

    def add_feed(self, url: str, *, name: str | None, interval: float | None, parent: str | None = None) -> None:
        """Know a feed; a configured feed's name and interval are updated, its state kept."""
        self._write(
            "INSERT INTO watch_feeds (url, name, interval, parent) VALUES (%s, %s, %s, %s) ON CONFLICT (url) DO UPDATE"
            " SET name = coalesce(excluded.name, watch_feeds.name),"
            " interval = coalesce(excluded.interval, watch_feeds.interval)",
            (url, name, interval, parent),
        )

    def feeds(self) -> list[FeedState]:
        """Every known feed, in the order they were added."""
        rows = self._read(
            "SELECT url, name, parent, interval, etag, last_modified, last_poll, next_poll, failures, error, kind,"
            " items FROM watch_feeds ORDER BY seq"
        )
        return [FeedState(*row) for row in rows]

    def record_poll(self, url: str, **changes: Any) -> None:
        """Update a feed's state after a poll."""
        unknown = set(changes) - _POLL_FIELDS
        if unknown:
            raise ValueError(f"unknown feed field(s): {sorted(unknown)}")
        assignments = ", ".join(f"{name} = %s" for name in changes)
        self._write(f"UPDATE watch_feeds SET {assignments} WHERE url = %s", (*changes.values(), url))

    def add_items(self, feed: str, items: Sequence[tuple[str, str, str | None, str | None]], now: float) -> int:
        """Add the items not seen before (by key); return how many were new."""
        added = 0
        with connection(self.location) as conn, conn.transaction():
            for key, url, title, published in items:
                added += conn.execute(
                    "INSERT INTO watch_items (key, url, feed, title, published, found) VALUES (%s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (key) DO NOTHING",
                    (key, url, feed, title, published, now),
                ).rowcount
        return added

    def pending_items(self, now: float, limit: int) -> list[PendingItem]:
        """Items due for fetching and analysis, oldest first."""
        rows = self._read(
            "SELECT key, url, feed, title, published, attempts FROM watch_items WHERE state = 'new' AND next_try <= %s"
            " ORDER BY found, seq LIMIT %s",
            (now, limit),
        )
        return [PendingItem(*row) for row in rows]

    def defer_item(
        self, key: str, *, reason: str, next_try: float, final_state: str | None = None, attempt: bool = True
    ) -> None:
        """Retry an item later, or end it in ``final_state``."""
        self._write(
            "UPDATE watch_items SET attempts = attempts + %s, next_try = %s, reason = %s, state = %s WHERE key = %s",
            (int(attempt), next_try, reason, final_state or "new", key),
        )

    def archive(self, article: ArchivedArticle) -> bool:
        """Store the article, its matches and alerts, and mark its item done; False if it was archived already."""
        marks = ", ".join(["%s"] * 13)
        with connection(self.location) as conn, conn.transaction():
            inserted = conn.execute(
                f"INSERT INTO watch_articles ({ARTICLE_COLUMNS}) VALUES ({marks}) ON CONFLICT DO NOTHING",
                article_row(article),
            ).rowcount
            if inserted == 0:
                return False
            insert_analysis(conn, summarise(article.report, article.id), article.report_json)
            for review, claim, score in article.matches:
                conn.execute(
                    "INSERT INTO watch_matches (article_id, review_id, claim_index, score, fetched)"
                    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    (article.id, review, claim, score, article.fetched),
                )
            conn.execute(
                "UPDATE watch_items SET state = 'done', article_id = %s, reason = NULL WHERE key = %s",
                (article.id, article.item.key),
            )
            self._queue_alerts(conn, article.alerts, article.id, article.fetched)
        return True

    @staticmethod
    def _queue_alerts(conn: psycopg.Connection[Any], alerts: list[Alert], article_id: str, now: float) -> None:
        """Insert alerts not raised before and queue one delivery per configured sink."""
        sinks = [row[0] for row in conn.execute("SELECT value FROM watch_sinks ORDER BY value")] if alerts else []
        for alert in alerts:
            raised = conn.execute(
                "INSERT INTO watch_alerts (id, rule, story, article_id, created, payload)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (alert.id, alert.rule, alert.story, article_id, now, json.dumps(alert.payload, ensure_ascii=False)),
            ).rowcount
            for sink in sinks if raised else []:
                conn.execute(
                    "INSERT INTO watch_deliveries (alert_id, sink) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    (alert.id, sink),
                )

    def set_sinks(self, names: Sequence[str]) -> None:
        """The sinks new alerts are queued for (the configured ones)."""
        with connection(self.location) as conn, conn.transaction():
            conn.execute("DELETE FROM watch_sinks")
            for name in names:
                conn.execute("INSERT INTO watch_sinks (value) VALUES (%s) ON CONFLICT DO NOTHING", (name,))

    def signatures(self, since: float) -> Iterator[tuple[str, str, float, bytes]]:
        """(article id, group id, fetched, signature) of recent articles, oldest first."""
        for identifier, group, fetched, signature in self._read(
            "SELECT id, group_id, fetched, signature FROM watch_articles WHERE fetched >= %s AND signature IS NOT NULL"
            " ORDER BY fetched",
            (since,),
        ):
            yield identifier, group, fetched, bytes(signature)

    def group_outlets(self, group_id: str) -> list[str]:
        """The distinct outlets of a near-duplicate group, first seen first."""
        rows = self._read(
            "SELECT outlet FROM watch_articles WHERE group_id = %s GROUP BY outlet ORDER BY min(fetched)", (group_id,)
        )
        return [row[0] for row in rows if row[0]]

    def match_count(self, review_id: str) -> int:
        """How many archived articles matched ``review_id``."""
        ((count,),) = self._read("SELECT count(*) FROM watch_matches WHERE review_id = %s", (review_id,))
        return int(count)

    def alert_exists(self, alert_id: str) -> bool:
        """Whether ``alert_id`` was raised already."""
        return bool(self._read("SELECT 1 FROM watch_alerts WHERE id = %s", (alert_id,)))

    def pending_deliveries(self, now: float, limit: int) -> list[Delivery]:
        """Deliveries due now, oldest alert first."""
        rows = self._read(
            "SELECT d.alert_id, d.sink, d.attempts, a.payload FROM watch_deliveries d JOIN watch_alerts a"
            " ON a.id = d.alert_id WHERE d.state = 'pending' AND d.next_try <= %s ORDER BY a.created, a.seq, d.sink"
            " LIMIT %s",
            (now, limit),
        )
        return [Delivery(alert_id, sink, attempts, json.loads(payload)) for alert_id, sink, attempts, payload in rows]

    def delivery_done(self, alert_id: str, sink: str, *, error: str | None, next_try: float | None) -> None:
        """Record a delivery attempt's outcome."""
        state = "sent" if error is None else ("pending" if next_try is not None else "failed")
        self._write(
            "UPDATE watch_deliveries SET state = %s, attempts = attempts + 1, next_try = %s, error = %s, sent = %s"
            " WHERE alert_id = %s AND sink = %s",
            (state, next_try or 0, error, time.time() if error is None else None, alert_id, sink),
        )

    def articles_since(self, since: float) -> Iterator[ArchivedRow]:
        """Archived articles fetched since ``since``, with their reports, newest first (streamed through a
        server-side cursor, so a long period is never held in memory at once)."""
        with connection(self.location) as conn, conn.transaction(), conn.cursor(name="articles_since") as cursor:
            cursor.execute(
                "SELECT a.id, a.url, a.feed, a.outlet, a.outlet_label, a.title, a.published, a.fetched, a.risk_label,"
                " a.group_id, w.report FROM watch_articles a JOIN web_analyses w ON w.id = a.id WHERE a.fetched >= %s"
                " ORDER BY a.fetched DESC",
                (since,),
            )
            for identifier, url, feed, outlet, label, title, published, fetched, risk, group, report in cursor:
                yield ArchivedRow(
                    identifier, url, feed, outlet, label, title, published, fetched, risk, group, json.loads(report)
                )

    def matches(self, since: float = 0.0) -> list[tuple[str, str, float, float]]:
        """(review id, article id, fetched, score) of every fact-check match since ``since``, oldest first."""
        return self._read(
            "SELECT review_id, article_id, fetched, score FROM watch_matches WHERE fetched >= %s ORDER BY fetched",
            (since,),
        )

    def article_rows(self, ids: Sequence[str]) -> dict[str, tuple[str, str | None, str | None, str | None]]:
        """(url, title, outlet, outlet label) of the given archived articles."""
        rows = self._read(
            "SELECT id, url, title, outlet, outlet_label FROM watch_articles WHERE id = ANY(%s)", (list(ids),)
        )
        return {identifier: (url, title, outlet, label) for identifier, url, title, outlet, label in rows}

    def alerts(self, limit: int) -> list[tuple[dict[str, Any], list[tuple[str, str, int, str | None]]]]:
        """The latest alerts with (sink, state, attempts, last error) of each delivery."""
        alerts = self._read("SELECT id, payload FROM watch_alerts ORDER BY created DESC, seq DESC LIMIT %s", (limit,))
        result = []
        for identifier, payload in alerts:
            deliveries = self._read(
                "SELECT sink, state, attempts, error FROM watch_deliveries WHERE alert_id = %s ORDER BY sink",
                (identifier,),
            )
            result.append((json.loads(payload), [tuple(row) for row in deliveries]))
        return result

    def item_counts(self, since: float) -> dict[str, int]:
        """Items found since ``since`` by state (new, done, gone, error, robots, refused)."""
        rows = self._read("SELECT state, count(*) FROM watch_items WHERE found >= %s GROUP BY state", (since,))
        return {state: int(count) for state, count in rows}

    def report(self, article_id: str) -> dict[str, Any] | None:
        """The stored report of an archived article."""
        rows = self._read("SELECT report FROM web_analyses WHERE id = %s", (article_id,))
        return json.loads(rows[0][0]) if rows else None


def open_postgres_archive(location: str) -> PostgresArchiveStore:
    """The watch tables in the PostgreSQL database at ``location`` (created or migrated on first use)."""
    return PostgresArchiveStore(location)


for _scheme in SCHEMES:
    watch_backend(_scheme)(open_postgres_archive)
