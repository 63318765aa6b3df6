"""``factsift coverage search "CLAIM"``: what the archive's other outlets say about a claim, with stance and passage."""

from __future__ import annotations

import argparse
import datetime
import json
from dataclasses import asdict

from factsift.cli import Commands, cli_commands, store_url, usage


def iso_date(value: str) -> str:
    """An ISO date (``YYYY-MM-DD``) for ``--since``/``--until``; a clear error otherwise."""
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2017-01-25") from exc


def run_search(args: argparse.Namespace) -> int:
    """Search the archive for a claim and print the related articles (text or JSON)."""
    from factsift.config import CoverageConfig
    from factsift.coverage.service import search_archive
    from factsift.options import default_store

    config = CoverageConfig(fast=args.fast)
    matches, window = search_archive(args.db or default_store(), args.claim, args.since, args.until, args.k, config)
    if args.format == "json":
        held = {"articles": window.counts.articles, "outlets": window.counts.outlets}
        window_data = {"since": window.since, "until": window.until, "archive": held}
        print(json.dumps({"claim": args.claim, **window_data, "coverage": [asdict(m) for m in matches]}, indent=2))
        return 0
    if not matches:
        print(f"No archived article from another outlet speaks to this claim; {window.describe()}.")
        return 0
    for match in matches:
        label = f" ({match.outlet_label})" if match.outlet_label else ""
        print(f"{match.stance.upper():8} {match.stance_score:.2f}  {match.outlet or 'unknown outlet'}{label}")
        print(f"         {match.published or 'undated'} · {match.title or '(no title)'}")
        print(f"         “{match.passage.text}”")
        if match.url:
            print(f"         {match.url}")
    print(f"{len(matches)} related article(s); {window.describe()}.")
    return 0


def register(commands: Commands) -> None:
    """Add ``factsift coverage search``."""
    group = commands.add(
        "coverage", lambda args: usage(group), help="find better coverage: what other outlets said about a claim"
    )
    sub = group.add_subparsers(dest="coverage_command", metavar="COMMAND")
    search = sub.add_parser(
        "search",
        help="articles of the archive that speak to a claim, with their stance",
        description="Search the archive (titles and claims, re-ranked by embeddings) for a claim; print each "
        "related article's outlet, date, stance and the passage that speaks to the claim (unrelated ones left out).",
    )
    search.set_defaults(handler=run_search)
    search.add_argument("claim", metavar="CLAIM", help="the claim to look for")
    search.add_argument("--since", type=iso_date, help="earliest publication date (YYYY-MM-DD)")
    search.add_argument("--until", type=iso_date, help="latest publication date (YYYY-MM-DD)")
    search.add_argument("--k", type=int, default=10, help="articles to list at most (default: 10)")
    search.add_argument("--format", choices=("text", "json"), default="text")
    search.add_argument("--db", type=store_url, help="the archive (default: the factsift store)")
    search.add_argument("--fast", action="store_true", help="BM25 only, no embeddings")


cli_commands("coverage")(register)
