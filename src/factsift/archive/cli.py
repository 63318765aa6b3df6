"""``factsift archive add|stats``: keep analysed articles (reports as they are, pages analysed first) and count them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from factsift.cli import Commands, cli_commands, usage
from factsift.errors import InputError
from factsift.watch.cli import add_db_option

#: The stages a page is analysed with before it is kept (unless ``--full``): what the archive keeps needs
#: the outlet's rating and the claims, nothing else.
KEEPING_STAGES = ["sources", "claims"]


def run_add(args: argparse.Namespace) -> int:
    """Add the given files to the archive in one transaction and print what changed."""
    from factsift.analyser import Analyser
    from factsift.archive.adding import add_files
    from factsift.archive.store import open_article_archive
    from factsift.config import config_at_edge
    from factsift.factchecks.store import store_path
    from factsift.options import default_store

    db = args.db or default_store()
    config = config_at_edge(db=db) if args.full else config_at_edge(fast=True, stages=KEEPING_STAGES)
    archive = open_article_archive(db)
    try:
        summary = add_files(
            archive,
            args.inputs,
            Analyser(config),
            skip_bad=args.skip_bad,
            progress=not args.no_progress and sys.stderr.isatty(),
        )
        total = archive.stats()["articles"]
    finally:
        archive.close()
    counts = summary.counts
    line = f"factsift archive add: {counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged"
    if summary.analysed:
        line += f" ({summary.analysed} pages analysed)"
    print(f"{line} in {summary.seconds:.1f} s; {total:,} articles in the archive at {store_path(db)}")
    if summary.batch_errors:
        print(
            f"  {summary.batch_errors} error rows of the batch output were not kept (the batch could not analyse"
            " them: see their 'error' field)",
            file=sys.stderr,
        )
    if summary.skipped:
        print(f"  {len(summary.skipped)} bad inputs were left out (--skip-bad):", file=sys.stderr)
        for problem in summary.skipped:
            print(f"    {problem}", file=sys.stderr)
    return 0


def stats_text(stats: dict[str, Any]) -> str:
    """The archive's totals as a few aligned lines."""
    dates = f"{stats['first']} to {stats['last']}" if stats["first"] else "none"
    vectors = ", ".join(f"{model}: {count:,}" for model, count in sorted(stats["vectors"].items())) or "none yet"
    rows = [
        ("articles", f"{stats['articles']:,}"),
        ("outlets", f"{stats['outlets']:,}"),
        ("dates", dates),
        ("undated", f"{stats['undated']:,}"),
        ("vectors", vectors),
    ]
    return "".join(f"{name:<9} {value}\n" for name, value in rows)


def run_stats(args: argparse.Namespace) -> int:
    """Print the archive's totals: articles, outlets, date range, undated articles, vectors by model."""
    from factsift.archive.store import open_article_archive
    from factsift.factchecks.store import store_path
    from factsift.options import default_store

    db = args.db or default_store()
    try:
        archive = open_article_archive(db, create=False)
    except FileNotFoundError as exc:
        raise InputError(f"no archive at {store_path(db)}: add articles with `factsift archive add`") from exc
    try:
        stats = archive.stats()
    finally:
        archive.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(stats, indent=2) + "\n")
    else:
        sys.stdout.write(stats_text(stats))
    return 0


def register(commands: Commands) -> None:
    """Add ``factsift archive add`` and ``factsift archive stats``."""
    parser = commands.add(
        "archive",
        lambda args: usage(parser),
        help="the article archive: keep analysed articles for coverage by other outlets",
        description="Keep analysed articles in the archive (the store) and count them. See docs/archive.md.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="add reports (as they are), pages and crawls (analysed first) in one transaction",
        description=(
            "Add analysed articles to the archive. A report .json and a factsift batch output .jsonl are kept "
            "without analysing again; .html/.htm/.txt pages, batch input .jsonl/.csv and .warc[.gz] crawls are "
            "analysed first (sources and claims, fast; --full for every stage); a folder adds all of these under it. "
            "Everything goes in one transaction: a bad input leaves the archive unchanged."
        ),
    )
    add.add_argument("inputs", nargs="+", type=Path, metavar="FILE|DIR", help="reports, batch output, pages, crawls")
    add_db_option(add)
    add.add_argument("--full", action="store_true", help="analyse pages with every stage (slower)")
    add.add_argument(
        "--skip-bad", action="store_true", help="leave out bad inputs (listed) and add the rest, instead of nothing"
    )
    add.add_argument("--no-progress", action="store_true", help="no progress bar")
    add.set_defaults(handler=run_add)
    stats = actions.add_parser(
        "stats",
        help="articles, outlets, date range, undated articles and vectors by model",
        description="The archive's totals: articles, outlets, date range, undated articles and vectors by model.",
    )
    add_db_option(stats)
    stats.add_argument("--format", choices=["text", "json"], default="text")
    stats.set_defaults(handler=run_stats)


cli_commands("archive")(register)
