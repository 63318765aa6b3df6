"""Signals commands: ``factsift signals --list``, ``factsift train clickbait``, ``factsift train signals``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from factsift.cli import Commands, cli_commands
from factsift.errors import InputError
from factsift.signals.registry import all_signals


def run_signals(args: argparse.Namespace) -> int:
    """Print each signal's name and what it looks for (``--list``; also the default)."""
    for spec in all_signals():
        sys.stdout.write(f"{spec.name:<24} {spec.description}\n")
    return 0


def _data_dir(value: Path) -> Path:
    if not value.is_dir():
        raise InputError(f"no such folder: {value}")
    return value


def run_train_clickbait(args: argparse.Namespace) -> int:
    """Train the clickbait model on ``--data`` and write it to ``--out`` (default: the shipped file)."""
    from factsift.signals.clickbait_model import MODEL_ENV
    from factsift.signals.clickbait_train import train

    model, report = train(_data_dir(args.data))
    out: Path = args.out
    model.save(out)
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    sys.stdout.write(f"model written to {out} ({out.stat().st_size / 1e6:.2f} MB); use it with {MODEL_ENV}={out}\n")
    return 0


def run_train_signals(args: argparse.Namespace) -> int:
    """Recalibrate the real-news-scored signals on ``--data`` and write the calibration JSON."""
    from factsift.signals.calibration import write_calibration
    from factsift.signals.shipped_calibration import CALIBRATION_ENV

    out: Path = args.out
    numbers = write_calibration(_data_dir(args.data), out)
    sys.stdout.write(json.dumps(numbers, indent=2) + "\n")
    sys.stdout.write(f"calibration written to {out}; use it with {CALIBRATION_ENV}={out}\n")
    return 0


def register(commands: Commands) -> None:
    """Add ``factsift signals`` and the ``clickbait`` / ``signals`` training commands."""
    parser = commands.add(
        "signals",
        run_signals,
        help="list the warning signs factsift looks for in the writing",
    )
    parser.add_argument("--list", action="store_true", help="list the signals (the default)")
    commands.add_training(
        "clickbait",
        run_train_clickbait,
        help="train the clickbait headline model (needs factsift[train])",
        description="Train the clickbait headline model on clickbait_data.txt and non_clickbait_data.txt.",
        data="folder with the two headline files",
        out=(Path("clickbait.json.gz"), "model file to write (default: ./clickbait.json.gz)"),
    )
    commands.add_training(
        "signals",
        run_train_signals,
        help="recalibrate loaded-language and headline-mismatch scores on real news",
        data="folder with the article collections",
        out=(Path("calibration.json"), "file to write (default: ./calibration.json)"),
    )


cli_commands("signals")(register)
