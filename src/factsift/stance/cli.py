"""``factsift stance PAIRS.csv`` (JSONL stances in input order) and ``factsift train stance`` (retrain the model)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from factsift.cli import Commands, cli_commands, existing_file
from factsift.errors import InputError

#: Pairs scored per call of the model: the unit of the progress bar.
CHUNK = 256
#: Files with more rows than this show a progress bar on stderr.
PROGRESS_ROWS = 1000
DEFAULT_FNC = Path("../shared/data/stance/fnc1")
DEFAULT_CLAIMS = Path("../shared/data/claims")


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """The (claim, text) rows of a CSV with ``claim`` and ``text`` columns (a clear error otherwise)."""
    csv.field_size_limit(sys.maxsize)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in ("claim", "text") if name not in (reader.fieldnames or [])]
            if missing:
                found = ", ".join(reader.fieldnames or []) or "none"
                raise InputError(f"{path}: missing column(s) {', '.join(missing)} (found: {found})")
            return [(row["claim"] or "", row["text"] or "") for row in reader]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from exc


def _chunks(pairs: list[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    """The pairs in slices of :data:`CHUNK`."""
    for start in range(0, len(pairs), CHUNK):
        yield pairs[start : start + CHUNK]


def run_stance(args: argparse.Namespace) -> int:
    """Score every row of the CSV and print one JSON line per row, in input order."""
    from tqdm import tqdm

    from factsift.stance import StanceModel, shipped_model

    pairs = read_pairs(args.pairs)
    model = StanceModel.load(args.model) if args.model else shipped_model()
    with tqdm(total=len(pairs), unit="pair", file=sys.stderr, disable=len(pairs) < PROGRESS_ROWS) as bar:
        for chunk in _chunks(pairs):
            for result in model.predict(chunk):
                print(json.dumps(asdict(result)))
            bar.update(len(chunk))
    return 0


def run_train(args: argparse.Namespace) -> int:
    """Retrain the stance model and print its dev figures."""
    from factsift.stance.training import train

    meta = train(
        args.fnc,
        None if args.no_derived else args.claims,
        args.out,
        score_test=args.score_test,
        log=lambda line: print(line, flush=True),
    )
    summary = {
        split: {
            source: {k: v for k, v in figures.items() if k not in ("reliability", "confusion")}
            for source, figures in meta[split].items()
        }
        for split in ("dev", "test")
        if split in meta
    }
    print(json.dumps({"thresholds": meta["thresholds"], **summary}, indent=2))
    print(f"wrote {args.out}.npz and {args.out}.json; use it with factsift stance --model {args.out}")
    return 0


def register(commands: Commands) -> None:
    """Add ``factsift stance`` and ``factsift train stance``."""
    parser = commands.add(
        "stance",
        run_stance,
        help="stance of texts towards claims (agree/disagree/discuss/unrelated) from a CSV of pairs",
        description="Read a CSV with columns claim,text and print one JSON line per row, in input order: "
        "label, calibrated scores and the character span of the passage that speaks to the claim.",
    )
    parser.add_argument("pairs", type=existing_file, metavar="PAIRS.csv", help="CSV with columns claim,text")
    parser.add_argument("--model", type=Path, help="model path stem (default: the shipped model)")

    trainer = commands.add_training(
        "stance",
        run_train,
        help="stance model (FNC-1 plus pairs derived from fact-checked claims)",
        description="Train the stance model on FNC-1 (split by body) and negation-aware pairs derived from "
        "claims; calibrate it and report dev figures. The test split is scored only with --score-test.",
        out=(Path("stance-model"), "output path stem"),
    )
    trainer.add_argument("--fnc", type=Path, default=DEFAULT_FNC, help=f"FNC-1 folder (default: {DEFAULT_FNC})")
    trainer.add_argument(
        "--claims", type=Path, default=DEFAULT_CLAIMS, help=f"claims folder (default: {DEFAULT_CLAIMS})"
    )
    trainer.add_argument("--no-derived", action="store_true", help="train on FNC-1 only")
    trainer.add_argument("--score-test", action="store_true", help="also score the held-out test split")


cli_commands("stance")(register)
