"""``factsift watch`` and ``factsift digest``: the command-line side of :mod:`factsift.watch`."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any

from factsift.cli import Commands, cli_commands, existing_file, store_url
from factsift.errors import InputError
from factsift.options import default_store
from factsift.watch.config import FeedConfig, WatchConfig, load_config, parse_duration


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """``--db PATH|URL`` for the commands that read or write the archive."""
    parser.add_argument(
        "--db",
        type=store_url,
        metavar="PATH|URL",
        help="store: a path, sqlite:///path or postgresql://user@host/db (default: $FACTSIFT_DB or the user data dir)",
    )


def watch_config(args: argparse.Namespace) -> WatchConfig:
    """The configuration file with the command line's flags over it."""
    config = load_config(args.config)
    config.feeds.extend(FeedConfig(url=url) for url in args.feed or [])
    config.opml.extend(args.opml or [])
    if args.db is not None:
        config.db = args.db
    if args.allow_private:
        config.allow_private = True
    if args.fast:
        config.fast = True
    if args.scheduler:
        config.scheduler = args.scheduler
    if args.workers is not None:
        config.workers = args.workers
    if args.no_keep:
        config.keep_articles = False
    elif config.keep_articles is None:
        from factsift.config import config_at_edge

        config.keep_articles = config_at_edge().archive.keep
    if not config.feeds and not config.opml:
        raise InputError("no feeds to watch: give --feed URL, --opml FILE or a --config file with [[feeds]]")
    return config


def run_watch(args: argparse.Namespace) -> int:
    """Run the watcher: one cycle with ``--once``, else until SIGTERM or Ctrl-C."""
    from factsift.watch.runner import Watcher

    config = watch_config(args)
    db = config.db = config.db or default_store()  # the analyses' fact-check store too ($FACTSIFT_DB read once)
    watcher = Watcher(config, db, progress=not args.quiet)
    try:
        if args.once:
            summary = watcher.run_once()
            print(
                f"factsift watch: {summary.feeds_polled} feeds polled ({summary.not_modified} unchanged, "
                f"{summary.feed_errors} failed), {summary.new_items} new items, {summary.archived} archived "
                f"({summary.kept} new or changed in the article archive), {summary.gone} gone, "
                f"{summary.failed} failed, {summary.deferred} put off, "
                f"{summary.alerts_sent} alerts sent (store: {db})",
                file=sys.stderr,
            )
            for error in summary.errors[:20]:
                print(f"  {error}", file=sys.stderr)
            return 0
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            """SIGTERM/SIGINT: finish the current batch, then stop."""
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        print(f"factsift watch: watching {len(watcher.store.feeds())} feeds (store: {db})", file=sys.stderr)
        watcher.run_forever(stop)
        print("factsift watch: stopped", file=sys.stderr)
        return 0
    finally:
        watcher.close()


def run_digest(args: argparse.Namespace) -> int:
    """Print the digest of the period's most check-worthy claims."""
    from factsift.watch.digest import build_digest, render_digest
    from factsift.watch.store import open_archive

    store = open_archive(args.db or default_store())
    try:
        digest = build_digest(store, since_seconds=parse_duration(args.since, "--since"), limit=args.limit)
    finally:
        store.close()
    sys.stdout.write(render_digest(digest, args.format))
    return 0


def run_trends(args: argparse.Namespace) -> int:
    """Print each fact-check's matches among watched articles over time."""
    from factsift.watch.store import open_archive
    from factsift.watch.trends import build_trends, render_trends

    db = args.db or default_store()
    store = open_archive(db)
    try:
        since = parse_duration(args.since, "--since") if args.since else None
        trends = build_trends(store, db, since_seconds=since)
    finally:
        store.close()
    sys.stdout.write(render_trends(trends, args.format))
    return 0


def add_trends_command(factchecks: Any) -> None:
    """Add ``factsift factchecks trends`` to the ``factchecks`` command's actions."""
    trends = factchecks.add_parser(
        "trends",
        help="recurring claims: watched articles matching each fact-check, per day",
        description="For every imported fact-check, the articles `factsift watch` kept whose claims matched it.",
    )
    trends.add_argument("--since", help="only matches in this period (e.g. 30d; default: all)")
    trends.add_argument("--format", choices=["text", "json"], default="text")
    add_db_option(trends)
    trends.set_defaults(handler=run_trends)


def register(commands: Commands) -> None:
    """Add ``factsift watch`` and ``factsift digest``."""
    parser = commands.add(
        "watch",
        run_watch,
        help="watch news feeds: analyse and keep every new article, send alerts",
        description="Poll RSS/Atom/JSON Feed/sitemap feeds (and OPML lists of them), analyse every new article "
        "once, keep it in the store and send alerts by the configured rules. See docs/watch.md.",
    )
    parser.add_argument("--config", type=existing_file, help="TOML configuration (feeds, intervals, rules, sinks)")
    parser.add_argument("--feed", action="append", metavar="URL", help="a feed to watch (repeatable)")
    parser.add_argument("--opml", action="append", type=existing_file, metavar="FILE", help="an OPML list of feeds")
    parser.add_argument("--once", action="store_true", help="one poll cycle, then exit (for cron)")
    add_db_option(parser)
    parser.add_argument("--allow-private", action="store_true", help="allow fetching private/loopback addresses")
    parser.add_argument("--scheduler", metavar="ADDR", help="analyse on this Dask cluster (tcp://host:8786)")
    parser.add_argument("--workers", type=int, help="local analysis processes (0: in the watcher's own process)")
    parser.add_argument("--fast", action="store_true", help="skip the slowest analysis steps")
    parser.add_argument(
        "--no-keep", action="store_true", help="do not keep the articles read in the article archive (docs/archive.md)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    digest = commands.add(
        "digest",
        run_digest,
        help="the period's most check-worthy claims from watched articles, grouped by topic",
    )
    digest.add_argument("--since", default="24h", help="period to cover (e.g. 24h, 3d; default 24h)")
    digest.add_argument("--limit", type=int, default=30, help="how many claims at most (default 30)")
    digest.add_argument("--format", choices=["text", "json", "html"], default="text")
    add_db_option(digest)


cli_commands("watch")(register)
