"""``factsift batch INPUT... --out OUT``: analyse a collection, locally or on a Dask cluster."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from factsift.cli import Commands, cli_commands
from factsift.cli.check import add_analysis_options, analysis_options

if TYPE_CHECKING:  # the runner imports dask.distributed (a second of CPU): only ``factsift batch`` pays for it
    from factsift.batch.runner import BatchConfig, BatchSummary


def summary_lines(summary: BatchSummary, config: BatchConfig) -> list[str]:
    """The final summary: throughput, reports and errors, counts by risk label, where things went."""
    lines = [
        f"{summary.processed} articles in {summary.seconds:.1f} s ({summary.rate:.1f} articles/s): "
        f"{summary.reports} reports, {summary.errors} errors"
    ]
    if summary.already_done or summary.duplicates:
        lines.append(
            f"skipped {summary.already_done} rows whose id is already in the output"
            f" and {summary.duplicates} repeated ids"
        )
    if summary.by_risk:
        order = ["high", "elevated", "low"]
        labels = sorted(summary.by_risk, key=lambda label: (order.index(label) if label in order else 9, label))
        lines.append("risk: " + ", ".join(f"{label} {summary.by_risk[label]}" for label in labels))
    lines.append(f"output: {config.out} ({summary.output_rows} rows)")
    if config.errors is not None:
        lines.append(f"errors: {config.errors} ({summary.errors_written} error records)")
    return lines


def run(args: argparse.Namespace) -> int:
    from factsift.batch.politeness import Politeness
    from factsift.batch.runner import BatchConfig, run_batch

    config = BatchConfig(
        inputs=list(args.inputs),
        out=args.out,
        format=args.format,
        workers=args.workers,
        scheduler=args.scheduler,
        errors=args.errors,
        chunk_size=args.chunk_size,
        analysis=analysis_options(args),
        politeness=Politeness(limit=args.per_host, delay=args.delay),
        progress=not args.no_progress,
        retry_errors=args.retry_errors,
    )
    try:
        summary = run_batch(config)
    except KeyboardInterrupt:
        print(
            f"factsift: interrupted; finished chunks are kept in {args.out}.parts — rerun the same command to resume",
            file=sys.stderr,
        )
        return 130
    for line in summary_lines(summary, config):
        print(line, file=sys.stderr)
    return 0


def register(commands: Commands) -> None:
    parser = commands.add(
        "batch",
        run,
        help="analyse many articles (JSONL, CSV, folders, WARC) into JSONL or Parquet",
        description=(
            "Analyse a collection of articles with every installed stage. Rerunning with the same --out "
            "resumes: ids already written are skipped."
        ),
    )
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help=".jsonl, .csv, .warc[.gz] or a folder")
    parser.add_argument("--out", type=Path, required=True, help="output file (JSONL or Parquet)")
    parser.add_argument("--format", choices=["jsonl", "parquet"], help="output format (default: from --out suffix)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="local worker processes (default: all cores)"
    )
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask distributed scheduler")
    parser.add_argument("--errors", type=Path, metavar="FILE", help="also write the error records to FILE (JSONL)")
    parser.add_argument("--chunk-size", type=int, default=32, help="articles per unit of work (default 32)")
    parser.add_argument("--per-host", type=int, default=2, help="URL inputs: concurrent requests per host (default 2)")
    parser.add_argument(
        "--delay",
        type=float,
        default=1.0,
        help="URL inputs: pause in seconds after each request before that slot fetches from the host again (default 1)",
    )
    parser.add_argument(
        "--retry-errors",
        action="store_true",
        help="when resuming, analyse again the ids whose earlier row is an error (a success replaces it)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_analysis_options(parser)


cli_commands("batch")(register)
