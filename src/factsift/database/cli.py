"""``factsift db upgrade|dump|load``: bring a database's schema up to date, and move it between backends."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from factsift.cli import Commands, cli_commands, store_url, usage
from factsift.errors import InputError


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=store_url,
        metavar="PATH|URL",
        help="the store: a SQLite file, sqlite:///file.db or postgresql://user@host/db "
        "(default: $FACTSIFT_DB or the user data dir)",
    )


def run_upgrade(args: argparse.Namespace) -> int:
    """Create or migrate every store's tables; print each store's schema version."""
    from factsift.archive.store import open_article_archive
    from factsift.factchecks.store import open_store, store_path
    from factsift.options import default_store
    from factsift.watch.store import open_archive
    from factsift.web.store import open_analyses

    db = args.db or default_store()
    open_store(db).close()
    open_analyses(db)
    open_archive(db).close()
    open_article_archive(db).close()
    print(f"factsift db upgrade: {store_path(db)} is at the latest schema of every store", file=sys.stderr)
    return 0


def run_dump(args: argparse.Namespace) -> int:
    """Write every store's rows as JSON lines to --out (or standard output)."""
    from factsift.database.dump import dump
    from factsift.options import default_store

    db = args.db or default_store()
    if args.out is None:
        counts = dump(db, sys.stdout)
    else:
        partial = args.out.with_name(args.out.name + ".partial")
        with partial.open("w", encoding="utf-8") as out:
            counts = dump(db, out, progress=sys.stderr.isatty())
        partial.replace(args.out)  # a dump that stopped half-way never looks complete
    print(f"factsift db dump: {_counts(counts)}", file=sys.stderr)
    return 0


def run_load(args: argparse.Namespace) -> int:
    """Load a dump into the stores at --db."""
    from factsift.database.dump import load
    from factsift.options import default_store

    if not args.file.is_file():
        raise InputError(f"no such file: {args.file}")
    with args.file.open(encoding="utf-8") as lines:
        counts = load(args.db or default_store(), lines, where=str(args.file), progress=sys.stderr.isatty())
    print(f"factsift db load: {_counts(counts)} (rows already there were left alone)", file=sys.stderr)
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{table} {count:,}" for table, count in counts.items() if count) or "no rows"


def register(commands: Commands) -> None:
    parser = commands.add(
        "db",
        lambda args: usage(parser),
        help="upgrade, dump or load the store's database (SQLite or PostgreSQL)",
        description="Whole-database tasks for every store (fact-checks, analyses, watch state) of one store URL.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="create or migrate every store's tables to this factsift's schema")
    upgrade.set_defaults(handler=run_upgrade)
    _db_option(upgrade)
    dump = actions.add_parser("dump", help="write every store's rows as JSON lines")
    dump.set_defaults(handler=run_dump)
    _db_option(dump)
    dump.add_argument("--out", type=Path, metavar="FILE", help="the dump file (default: standard output)")
    load = actions.add_parser("load", help="load a dump (from any backend) into the store at --db")
    load.set_defaults(handler=run_load)
    _db_option(load)
    load.add_argument("file", type=Path, metavar="FILE", help="a file written by `factsift db dump`")


cli_commands("db")(register)
