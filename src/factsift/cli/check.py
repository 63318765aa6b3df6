"""``factsift check SOURCE``: analyse one article and print its report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from factsift.cli import Commands, cli_commands


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs the pipeline (check, batch, serve)."""
    parser.add_argument("--as", dest="as_kind", choices=["html", "text"], help="treat the input as HTML or text")
    parser.add_argument("--allow-private", action="store_true", help="allow fetching private/loopback addresses")
    parser.add_argument(
        "--ratings", type=Path, help="your own outlet ratings (CSV or JSON), merged over the shipped table"
    )
    parser.add_argument(
        "--db",
        help="fact-check store: a file or a URL like sqlite:///f.db (default: $FACTSIFT_DB or user data dir)",
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help="skip the slowest steps (the encoder: claims' second stage, dense retrieval)",
    )
    parser.add_argument(
        "--base-rate",
        type=base_rate,
        metavar="P",
        help="share of misinformation in the feed these articles come from (0 < P < 1), e.g. from "
        "`factsift risk base-rate`; the risk score is moved from the model's assumed rate to it",
    )
    parser.add_argument(
        "--calibration",
        type=Path,
        metavar="FILE",
        help="risk calibration fitted on labelled articles of your feed (`factsift risk calibrate`)",
    )


def base_rate(value: str) -> float:
    """argparse type for ``--base-rate``: a probability strictly between 0 and 1."""
    try:
        rate = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 < rate < 1.0:
        raise argparse.ArgumentTypeError(f"must be strictly between 0 and 1, got {value}")
    return rate


def analysis_options(args: argparse.Namespace) -> dict[str, object]:
    """The ``analyse()`` keyword options given on the command line."""
    options: dict[str, object] = {"as_kind": args.as_kind, "allow_private": args.allow_private, "fast": args.fast}
    if args.ratings is not None:
        options["ratings"] = args.ratings
    if args.db is not None:
        options["db"] = args.db
    if getattr(args, "base_rate", None) is not None:
        options["base_rate"] = args.base_rate
    if getattr(args, "calibration", None) is not None:
        options["calibration"] = args.calibration
    return options


def run_check(args: argparse.Namespace) -> int:
    from factsift.cli.render import print_report
    from factsift.pipeline import analyse

    options = analysis_options(args)
    report = analyse(args.source, **options)  # type: ignore[arg-type]
    if args.format == "json":
        sys.stdout.write(report.to_json() + "\n")
    elif args.format == "claimreview":
        import json

        from factsift.factchecks.export import claimreview_document
        from factsift.options import Options

        document = claimreview_document(report, Options.from_kwargs(**options))
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        print_report(report)
    return 0


def register(commands: Commands) -> None:
    parser = commands.add("check", run_check, help="analyse one article (URL, HTML or text file, or - for stdin)")
    parser.add_argument("source", help="a URL, a path to an .html/.txt file, or - to read stdin")
    parser.add_argument(
        "--format",
        choices=["text", "json", "claimreview"],
        default="text",
        help="text report, JSON report, or the matched fact-checks as ClaimReview JSON-LD",
    )
    add_analysis_options(parser)


cli_commands("check")(register)
