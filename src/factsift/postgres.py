"""PostgreSQL connections shared by every store: one connection pool per database and process.

A store URL ``postgresql://user@host:5432/factsift`` (or ``postgres://…``; a unix socket as
``postgresql://user@/factsift?host=/run/postgresql``) names a database; the fact-check, analyses and
watch stores of that URL share its pool.  psycopg is imported on first use, so SQLite users need
neither it nor a server (``pip install 'factsift[postgresql]'`` brings it).  A pool is never shared
across ``fork``: each process (a web worker, a batch worker) opens its own.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from factsift.errors import FactsiftError

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

#: The URL schemes of PostgreSQL stores.
SCHEMES = ("postgresql", "postgres")
#: Connections one process keeps open to one database at most (a web worker's threads share them).
POOL_SIZE = 8
#: Seconds to wait for a free connection or for the server, before the store counts as unavailable.
CONNECT_TIMEOUT = 30.0

_POOLS: dict[tuple[int, str], ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


class DatabaseUnavailable(OSError):
    """The PostgreSQL server cannot be reached or refused us (an environment failure: exit code 1, HTTP 503)."""


def conninfo(location: str) -> str:
    """The libpq URI of a store location (the URL after ``postgresql://``)."""
    return "postgresql://" + location


def redacted(location: str) -> str:
    """A store location for messages: any password replaced by ``***``."""
    return re.sub(r"^([^/@:]*):[^@/]*@", r"\1:***@", location)


def _psycopg_pool() -> Any:
    """The psycopg_pool module, or a clear error naming the extra to install."""
    try:
        import psycopg_pool
    except ImportError as exc:
        raise FactsiftError(
            "PostgreSQL stores need psycopg 3 and psycopg-pool: pip install 'factsift[postgresql]'"
        ) from exc
    return psycopg_pool


def pool(location: str) -> ConnectionPool:
    """This process's connection pool to the database at ``location`` (opened on first use)."""
    key = (os.getpid(), location)
    with _POOLS_LOCK:
        found = _POOLS.get(key)
        if found is None:
            module = _psycopg_pool()
            _check_reachable(location)
            found = module.ConnectionPool(
                conninfo(location),
                min_size=1,
                max_size=POOL_SIZE,
                kwargs={"autocommit": True},
                timeout=CONNECT_TIMEOUT,
                open=False,
                name=f"factsift-{os.getpid()}",
            )
            try:
                found.open(wait=True, timeout=CONNECT_TIMEOUT)
            except Exception as exc:
                found.close()
                raise DatabaseUnavailable(f"cannot connect to postgresql://{redacted(location)}: {exc}") from exc
            _POOLS[key] = found
    return found


def _check_reachable(location: str) -> None:
    """Connect once, so a wrong URL or a server that is down fails at once with libpq's reason (a pool
    would retry quietly until its timeout)."""
    import psycopg

    try:
        psycopg.connect(conninfo(location), connect_timeout=10).close()
    except psycopg.Error as exc:
        raise DatabaseUnavailable(f"cannot connect to postgresql://{redacted(location)}: {exc}") from exc


@contextmanager
def connection(location: str) -> Iterator[psycopg.Connection[Any]]:
    """A pooled connection (autocommit; use ``conn.transaction()`` to group writes) for the block."""
    import psycopg

    try:
        with pool(location).connection() as conn:
            yield conn
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(f"postgresql://{redacted(location)}: {exc}") from exc


def table_exists(conn: psycopg.Connection[Any], table: str) -> bool:
    """Whether ``table`` exists in the connection's search path."""
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
    return bool(row and row[0])


def close_pools() -> None:
    """Close every pool this process opened (tests, and a command that is done with the database)."""
    with _POOLS_LOCK:
        for key in [key for key in _POOLS if key[0] == os.getpid()]:
            _POOLS.pop(key).close()
