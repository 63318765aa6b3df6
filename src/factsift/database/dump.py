"""``factsift db dump`` / ``db load``: every store's rows as JSON lines, to move a database between backends.

A dump is one header line (``{"format": "factsift.dump/1"}``), then one line per row:
``{"table": NAME, "row": {column: value}}``, tables in :data:`TABLES` order, rows in the order they were
added.  Bytes (float16 vectors, MinHash signatures) are written as ``{"$bytes": base64}``.  Derived data
(the BM25 index, FTS5 tables, cached matrices, revision counters) is not dumped: the target rebuilds it.

Loading creates the target's tables (with their migrations), then inserts the rows in one transaction
per store; a row whose key is there already is left alone, so loading twice changes nothing.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
from tqdm import tqdm

from factsift.archive.store import open_article_archive
from factsift.errors import InputError
from factsift.factchecks.records import Review
from factsift.factchecks.store import open_store, parse_store_url
from factsift.options import StoreUrl
from factsift.postgres import SCHEMES, connection, table_exists
from factsift.watch.store import open_archive
from factsift.web.store import open_analyses

FORMAT = "factsift.dump/1"
REVIEW_FIELDS = tuple(Review.__dataclass_fields__)


@dataclass(frozen=True)
class Table:
    """A dumped table: its columns, and how each backend orders its rows (the order they were added)."""

    name: str
    columns: tuple[str, ...]
    sqlite_order: str = "rowid"
    postgres_order: str = "seq"
    #: The rows' ``seq`` is given anew on loading, after the target's highest (an index reads rows after a seq).
    renumber: bool = False


TABLES = (
    Table("factcheck_reviews", REVIEW_FIELDS),
    Table("factcheck_embeddings", ("review_id", "model", "vector")),
    Table(
        "web_analyses",
        ("id", "created", "title", "outlet", "input_kind", "risk_score", "risk_label", "report"),
        sqlite_order="seq",
    ),
    Table(
        "watch_feeds",
        (
            *("url", "name", "parent", "interval", "etag", "last_modified", "last_poll", "next_poll"),
            *("failures", "error", "kind", "items"),
        ),
    ),
    Table(
        "watch_items",
        ("key", "url", "feed", "title", "published", "found", "state", "attempts", "next_try", "reason", "article_id"),
    ),
    Table(
        "watch_articles",
        (
            *("id", "key", "url", "feed", "outlet", "outlet_label", "title", "published", "fetched"),
            *("risk_score", "risk_label", "group_id", "signature"),
        ),
        "fetched, id",
        "fetched, id",
    ),
    Table(
        "watch_matches",
        ("article_id", "review_id", "claim_index", "score", "fetched"),
        "fetched, article_id, review_id",
        "fetched, article_id, review_id",
    ),
    Table("watch_alerts", ("id", "rule", "story", "article_id", "created", "payload")),
    Table(
        "watch_deliveries",
        ("alert_id", "sink", "state", "attempts", "next_try", "error", "sent"),
        "alert_id, sink",
        "alert_id, sink",
    ),
    Table("watch_sinks", ("value",), "value", "value"),
    Table(
        "archive_articles",
        (
            *("id", "seq", "url", "outlet", "outlet_label", "outlet_score", "published", "title", "text", "claims"),
            *("added", "content_hash"),
        ),
        "seq",
        renumber=True,
    ),
    Table("archive_vectors", ("article_id", "model", "dim", "vectors"), "article_id, model", "article_id, model"),
)
_BY_NAME = {table.name: table for table in TABLES}


class _Database:
    """Raw access to one store URL's database for dumping and loading (SQLite file or PostgreSQL)."""

    def __init__(self, db: StoreUrl) -> None:
        self.scheme, self.location = parse_store_url(db)
        if self.scheme != "sqlite" and self.scheme not in SCHEMES:
            raise InputError(f"db dump/load move SQLite and PostgreSQL stores, not {self.scheme}://")

    @property
    def postgres(self) -> bool:
        return self.scheme in SCHEMES

    @contextmanager
    def _sqlite(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.location, timeout=30, isolation_level=None)
        try:
            yield conn
        finally:
            conn.close()

    def exists(self) -> bool:
        """Whether there is a database to dump (a SQLite file that is there; any PostgreSQL URL)."""
        return self.postgres or Path(self.location).is_file()

    def has_table(self, name: str) -> bool:
        """Whether ``name`` exists in the database."""
        if self.postgres:
            with connection(self.location) as conn:
                return table_exists(conn, name)
        with self._sqlite() as conn:
            found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        return found is not None

    def rows(self, table: Table) -> Iterator[tuple[Any, ...]]:
        """Every row of ``table``, in the order the rows were added."""
        order = table.postgres_order if self.postgres else table.sqlite_order
        sql = f"SELECT {', '.join(table.columns)} FROM {table.name} ORDER BY {order}"
        if self.postgres:
            with connection(self.location) as conn, conn.transaction(), conn.cursor(name="dump") as cursor:
                cursor.execute(sql)
                yield from cursor
        else:
            with self._sqlite() as lite:
                yield from lite.execute(sql)

    def inserting(self) -> AbstractContextManager[Any]:
        """A connection in one transaction for :meth:`insert` (committed at the end of the block)."""
        return self._pg_transaction() if self.postgres else self._sqlite_transaction()

    @contextmanager
    def _pg_transaction(self) -> Iterator[Any]:
        with connection(self.location) as conn, conn.transaction():
            yield conn

    @contextmanager
    def _sqlite_transaction(self) -> Iterator[Any]:
        with self._sqlite() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def insert(self, conn: Any, table: Table, rows: list[tuple[Any, ...]]) -> int:
        """Insert rows whose key is not there yet; how many were new."""
        marks = ", ".join(["%s" if self.postgres else "?"] * len(table.columns))
        verb = "INSERT" if self.postgres else "INSERT OR IGNORE"
        tail = " ON CONFLICT DO NOTHING" if self.postgres else ""
        sql = f"{verb} INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks}){tail}"
        if table.renumber:
            position = table.columns.index("seq")
            (highest,) = conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table.name}").fetchone()
            rows = [(*row[:position], int(highest) + n, *row[position + 1 :]) for n, row in enumerate(rows, 1)]
        added = 0
        for row in rows:
            added += conn.execute(sql, row).rowcount
        return added


def _encode(value: Any) -> Any:
    """A column value as JSON (bytes as base64)."""
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    """The column value :func:`_encode` wrote."""
    if isinstance(value, dict) and set(value) == {"$bytes"}:
        return base64.b64decode(value["$bytes"])
    return value


def dump(db: StoreUrl, out: IO[str], *, progress: bool = False) -> dict[str, int]:
    """Write every store's rows in ``db`` to ``out`` as JSON lines; rows written per table."""
    source = _Database(db)
    if not source.exists():
        raise InputError(f"no store at {db}")
    out.write(json.dumps({"format": FORMAT}) + "\n")
    counts: dict[str, int] = {}
    with tqdm(desc="dump", unit=" rows", disable=not progress) as bar:
        for table in TABLES:
            if not source.has_table(table.name):
                continue
            counts[table.name] = 0
            for row in source.rows(table):
                record = {column: _encode(value) for column, value in zip(table.columns, row, strict=True)}
                out.write(json.dumps({"table": table.name, "row": record}, ensure_ascii=False) + "\n")
                counts[table.name] += 1
                bar.update()
    return counts


def _records(lines: Iterable[str], where: str) -> Iterator[tuple[Table, dict[str, Any]]]:
    """The (table, row) records of a dump, checked line by line (a bad line names its number)."""
    header = True
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{where}:{number}: not JSON ({exc})") from exc
        if header:
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise InputError(f'{where}: not a factsift dump (its first line must be {{"format": "{FORMAT}"}})')
            header = False
            continue
        table = _BY_NAME.get(str(data.get("table"))) if isinstance(data, dict) else None
        row = data.get("row") if isinstance(data, dict) else None
        if table is None or not isinstance(row, dict) or set(row) != set(table.columns):
            raise InputError(f"{where}:{number}: not a row of a known table with its columns")
        yield table, {column: _decode(value) for column, value in row.items()}
    if header:
        raise InputError(f"{where}: empty, not a factsift dump")


def load(db: StoreUrl, lines: Iterable[str], *, where: str = "dump", progress: bool = False) -> dict[str, int]:
    """Load a dump into the stores at ``db`` (created if needed); new rows per table.

    The whole file is checked before anything is written: a bad line changes nothing.
    """
    records: dict[str, list[dict[str, Any]]] = {table.name: [] for table in TABLES}
    for table, row in tqdm(_records(lines, where), desc="read", unit=" rows", disable=not progress):
        records[table.name].append(row)
    target = _Database(db)
    counts: dict[str, int] = {}
    store = open_store(db)
    try:
        with store.transaction():
            reviews = [Review(**row) for row in records["factcheck_reviews"]]
            counts["factcheck_reviews"] = store.upsert(reviews).added
            by_model: dict[str, list[dict[str, Any]]] = {}
            for row in records["factcheck_embeddings"]:
                by_model.setdefault(row["model"], []).append(row)
            for model, rows in by_model.items():
                vectors = np.stack([np.frombuffer(row["vector"], dtype=np.float16) for row in rows])
                store.put_embeddings(model, [row["review_id"] for row in rows], vectors.astype(np.float32))
            counts["factcheck_embeddings"] = len(records["factcheck_embeddings"])
    finally:
        store.close()
    open_analyses(db)
    open_archive(db).close()
    open_article_archive(db).close()
    with target.inserting() as conn:
        for table in TABLES[2:]:
            values = [tuple(row[column] for column in table.columns) for row in records[table.name]]
            counts[table.name] = target.insert(conn, table, values)
    return counts
