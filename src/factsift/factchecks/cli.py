"""``factsift factchecks import|search|stats`` and ``factsift train factchecks``."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from factsift.cli import Commands, cli_commands, usage
from factsift.config import FactchecksConfig, config_at_edge
from factsift.errors import InputError

MAX_ERRORS_SHOWN = 20


def _embeddings_arg(value: str) -> str:
    return value


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", help="the store: a file or URL such as sqlite:///file.db (default: $FACTSIFT_DB or the user data dir)"
    )
    parser.add_argument(
        "--embeddings",
        type=_embeddings_arg,
        default=None,
        metavar="PATH|off",
        help="a local sentence-transformers folder, or 'off' for BM25 alone (default: the installed model)",
    )


def edge_section(args: argparse.Namespace) -> FactchecksConfig:
    """The ``[factchecks]`` section built at the edge, with ``--embeddings`` over it when given."""
    given = {"embeddings": args.embeddings} if getattr(args, "embeddings", None) is not None else {}
    return config_at_edge(**given).factchecks


def run_import(args: argparse.Namespace) -> int:
    from factsift.factchecks.importer import import_files

    embeddings = edge_section(args).embeddings
    summary = import_files(args.files, db=args.db, progress=sys.stderr.isatty(), embeddings=embeddings)
    print(f"factchecks import: {summary.line()}")
    for message in summary.errors[:MAX_ERRORS_SHOWN]:
        print(f"  skipped {message}", file=sys.stderr)
    if len(summary.errors) > MAX_ERRORS_SHOWN:
        print(f"  ... and {len(summary.errors) - MAX_ERRORS_SHOWN} more skipped records", file=sys.stderr)
    return 0


#: What a search row shows instead of the verdict when the query does not assert the reviewed claim.
QUERY_STANCE = {"disagree": "your text refutes this claim", "unrelated": "your text does not address this claim"}


def run_search(args: argparse.Namespace) -> int:
    from factsift.factchecks.search import search

    if args.k < 1:
        raise InputError("--k must be at least 1")
    hits = search(args.text, k=args.k, db=args.db, section=edge_section(args))
    if args.format == "json":
        sys.stdout.write(json.dumps(hits, indent=2, ensure_ascii=False) + "\n")
        return 0
    console = Console()
    if not hits:
        console.print(Text("No fact-checks found (is the store empty? see `factsift factchecks stats`)."))
        return 0
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    for column in ("match", "verdict", "claim reviewed", "reviews", "url"):
        table.add_column(column)
    for group in hits:
        style = None if group["above_threshold"] else "dim"
        if group["shown"] or not group["above_threshold"]:
            verdict = f"{group['verdict']} ({group['rating_text']})" if group["rating_text"] else group["verdict"]
        else:  # the query refutes (or does not address) the reviewed claim: its stance, not the verdict
            verdict = QUERY_STANCE.get(group["stance"]["label"] if group["stance"] else "", "verdict not shown")
        table.add_row(
            f"{group['probability']:.2f}",
            Text(verdict),
            Text(group["claim_reviewed"]),
            Text(group["publishers"]),
            Text(group["url"] or ""),
            style=style,
        )
    console.print(table)
    console.print(Text("Dimmed rows: match probability below the display threshold.", style="dim"))
    return 0


def run_stats(args: argparse.Namespace) -> int:
    from factsift.factchecks.store import open_store, store_path

    try:
        store = open_store(args.db, create=False)
    except FileNotFoundError:
        raise InputError(
            f"no fact-check store at {store_path(args.db)} (import some with `factsift factchecks import`)"
        ) from None
    try:
        stats = store.stats()
    finally:
        store.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
        return 0
    console = Console()
    console.print(Text(f"{stats['reviews']} fact-checks in {stats['path']}", style="bold"))
    console.print(Text(f"dates: {stats['first_date'] or '?'} .. {stats['last_date'] or '?'}"))
    for title in ("verdicts", "publishers", "languages", "embeddings"):
        values = stats[title]
        line = ", ".join(f"{name} {count}" for name, count in values.items()) or "none"
        console.print(Text(f"{title}: {line}"))
    return 0


def run_train(args: argparse.Namespace) -> int:
    from factsift.factchecks.datasets import load_checkthat2020
    from factsift.factchecks.embeddings import resolve_encoder
    from factsift.factchecks.reranker import RerankerSpec
    from factsift.factchecks.training import build_store, fit_models

    dataset = load_checkthat2020(args.data, "train")
    encoder = resolve_encoder(edge_section(args).embeddings)
    spec = None
    if encoder is not None and args.reranker_layers > 0:
        spec = RerankerSpec(encoder.model_id, args.reranker_layers, args.reranker_max_length)
    with tempfile.TemporaryDirectory() as tmp:
        store = build_store(dataset, Path(tmp) / "train.db", encoder, progress=sys.stderr.isatty(), cache=args.cache)
        try:
            fitted = fit_models(store, dataset, encoder, rerank=spec)
        finally:
            store.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(fitted.calibration.to_dict(), indent=2) + "\n", encoding="utf-8")
    print(json.dumps(fitted.report, indent=2))
    print(f"wrote {args.out}; use it with FACTSIFT_FACTCHECK_CALIBRATION={args.out}")
    if fitted.adapter is not None and encoder is not None:
        from factsift.factchecks.adapter import save

        adapter_out = args.out.with_suffix(".adapter.npz")
        save(adapter_out, fitted.adapter, encoder.model_id)
        print(f"wrote {adapter_out}; use it with FACTSIFT_FACTCHECK_ADAPTER={adapter_out}")
    if fitted.reranker is not None:
        from factsift.factchecks import reranker

        reranker_out = args.out.with_suffix(".reranker.npz")
        reranker.save(reranker_out, *fitted.reranker)
        print(f"wrote {reranker_out}; use it with FACTSIFT_FACTCHECK_RERANKER={reranker_out}")
    return 0


def register(commands: Commands) -> None:
    """Add ``factsift factchecks ...`` and ``factsift train factchecks``."""
    parser = commands.add(
        "factchecks",
        lambda args: usage(parser),
        help="import, search and inspect known fact-checks (ClaimReview)",
    )
    sub = parser.add_subparsers(dest="factchecks_command", metavar="ACTION")
    imp = sub.add_parser(
        "import",
        help="import ClaimReview files (JSON-LD, JSONL, CSV)",
        description="Import ClaimReview JSON-LD (object, array, @graph, DataFeed), JSON Lines, or CSV with columns "
        "claim, rating, url, publisher, date, language, id (optional: claimant, claim_date, rating_value, "
        "best_rating, worst_rating, title). Re-importing updates records, never duplicates them.",
    )
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    _common(imp)
    imp.set_defaults(handler=run_import)
    find = sub.add_parser("search", help="find fact-checks matching a claim")
    find.add_argument("text", help="the claim to look for")
    find.add_argument("--k", type=int, default=5, help="how many hits (default 5)")
    find.add_argument("--format", choices=["text", "json"], default="text")
    _common(find)
    find.set_defaults(handler=run_search)
    stats = sub.add_parser("stats", help="what the store holds")
    stats.add_argument("--format", choices=["text", "json"], default="text")
    _common(stats)
    stats.set_defaults(handler=run_stats)
    from factsift.watch.cli import add_trends_command

    add_trends_command(sub)

    train = commands.add_training(
        "factchecks",
        run_train,
        help="refit the fact-check match score and query adapter on a CheckThat! 2020 Task 2 style folder",
        data="folder with verified_claims.docs.tsv and train/",
        out=(Path("factchecks-calibration.json"), "where to write it"),
    )
    train.add_argument("--cache", type=Path, help="folder to keep the claims' embeddings between runs")
    train.add_argument("--embeddings", default=None, metavar="PATH|off", help="embedding model (default: installed)")
    train.add_argument(
        "--reranker-layers",
        type=int,
        default=0,
        metavar="N",
        help="also fit a cross-encoder re-ranker of N transformer layers (default 0: none; needs an embedding "
        "model; writes OUT.reranker.npz; not shipped, see the README)",
    )
    train.add_argument("--reranker-max-length", type=int, default=64, metavar="TOKENS", help="tokens per pair")


cli_commands("factchecks")(register)
