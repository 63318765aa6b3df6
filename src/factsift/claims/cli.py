"""``factsift train claims --data DIR``: retrain the check-worthiness model on labelled sentences."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from factsift.cli import Commands, cli_commands


def run_train(args: argparse.Namespace) -> int:
    from factsift.claims.classifier import stem_of
    from factsift.claims.training import train

    stem = stem_of(args.out)
    meta = train(
        args.data,
        stem,
        word_vectors=not args.no_embeddings,
        second_stage=not (args.first_stage_only or args.no_embeddings),
        fine_tune=args.fine_tune,
        folds=args.folds,
        score_test=not args.no_test,
        log=lambda line: print(line, flush=True),
    )
    print(
        json.dumps(
            {
                k: meta[k]
                for k in ("rows", "threshold", "cross_validation", "test", "cascade", "second_stage", "test_cascade")
                if k in meta
            },
            indent=2,
        )
    )
    print(f"wrote {stem}.npz and {stem}.json; use it with FACTSIFT_CLAIMS_MODEL={stem} or analyse(claims_model=...)")
    return 0


def register(commands: Commands) -> None:
    parser = commands.add_training(
        "claims",
        run_train,
        help="check-worthiness model (ClaimBuster-style labelled sentences)",
        description=(
            "Train the check-worthiness model. DIR holds claimbuster/train.json, or .json/.csv/.tsv files "
            "with 'text' and 'label' (1 = check-worthy). A fixed 20% hash split is held out and evaluated."
        ),
        data="folder (or file) of labelled sentences",
        out=(Path("claims-model"), "output path stem (default: ./claims-model)"),
    )
    parser.add_argument(
        "--no-embeddings",
        action="store_true",
        help="train without GloVe word vectors or the second stage (n-grams and cues only)",
    )
    parser.add_argument(
        "--first-stage-only",
        action="store_true",
        help="skip the second stage (the perceptron on MiniLM sentence features; needs factsift[embeddings])",
    )
    parser.add_argument(
        "--fine-tune",
        action="store_true",
        help="train the second stage end to end: MiniLM's top layers with the head (slow: tens of minutes on one core)",
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=0,
        metavar="K",
        help="with --fine-tune: fine-tune once per fold of K, choose the cascade's band, mixing and threshold on the "
        "pooled out-of-fold scores, then refit on all rows (K+1 fine-tunes; default: hold out one fold of 5)",
    )
    parser.add_argument(
        "--no-test", action="store_true", help="do not score the held-out test rows (while settings are still open)"
    )


cli_commands("claims")(register)
