"""``factsift source DOMAIN_OR_URL``: what raters say about an outlet; ``factsift train sources``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from factsift.cli import Commands, cli_commands


def run_source(args: argparse.Namespace) -> int:
    """Rate one domain or URL and print it (exit 2 on malformed input)."""
    from rich.console import Console

    from factsift.sources.outlet import rate
    from factsift.sources.render import render_rating

    rating = rate(args.domain, args.ratings)
    if args.format == "json":
        sys.stdout.write(json.dumps(asdict(rating), indent=2, ensure_ascii=False) + "\n")
    else:
        Console().print(render_rating(rating))
    return 0


def run_build(args: argparse.Namespace) -> int:
    """Rebuild the ratings table from the published files under ``--data``."""
    from factsift.sources.build import META_FILE, RATINGS_FILE, build

    out = args.out or RATINGS_FILE
    summary = build(args.data, out=out, meta=out.with_name(META_FILE.name))
    print(
        f"wrote {out}: {summary.rows} domains (Lin et al. rows read {summary.lin_rows}, "
        f"Iffy+ rows read {summary.iffy_rows}, {len(summary.dropped)} rows dropped or merged)"
    )
    return 0


def register(commands: Commands) -> None:
    parser = commands.add(
        "source",
        run_source,
        help="what independent raters say about an outlet (domain or URL)",
        description="Rate a news outlet from open, citable ratings (Lin et al. 2023; Iffy+).",
    )
    parser.add_argument("domain", metavar="DOMAIN_OR_URL", help="e.g. nytimes.com or a full article URL")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--ratings", type=Path, help="your own ratings (CSV or JSON), merged over the shipped table")
    commands.add_training(
        "sources",
        run_build,
        help="rebuild the outlet ratings table from Lin et al. 2023 (and Iffy+) files",
        data="folder with lin2023_domain_quality/ (iffy_plus_2021/)",
        out=(None, "output table (default: the shipped one, in factsift/sources/data)"),
    )


cli_commands("sources")(register)
