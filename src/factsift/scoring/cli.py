"""``factsift train risk --data DIR``: retrain the risk model from labelled articles."""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

from factsift.cli import Commands, cli_commands, usage
from factsift.cli.check import base_rate
from factsift.config import options_at_edge
from factsift.errors import InputError
from factsift.scoring import SHIPPED_CANDIDATE


def run_train(args: argparse.Namespace) -> int:
    """Load and de-duplicate the datasets, run the pipeline over them, fit, calibrate and save."""
    try:
        from factsift.scoring.train import CANDIDATES, fit
    except ModuleNotFoundError as exc:  # scikit-learn / numpy are training-only dependencies
        raise InputError(
            f"training needs the 'train' extra: pip install 'factsift[train]' ({exc.name} missing)"
        ) from None
    from factsift.scoring.datasets import load_all
    from factsift.scoring.dedup import deduplicate
    from factsift.scoring.featurize import featurize

    data: Path = args.data
    if not data.is_dir():
        raise InputError(f"no such directory: {data}")
    if args.candidate not in CANDIDATES:
        raise InputError(f"unknown candidate {args.candidate!r}; choose from {', '.join(CANDIDATES)}")
    started = time.perf_counter()
    rows, summary = deduplicate(load_all(data))
    if not rows:
        raise InputError(f"no labelled articles found under {data} (see README: risk model training data)")
    print(
        f"{summary.kept} articles after de-duplication ({summary.duplicates_removed} duplicates removed, "
        f"{summary.conflicting_dropped} with conflicting labels dropped)",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory() as empty:
        db = args.factcheck_db or Path(empty) / "no-factchecks.db"
        examples = featurize(rows, db=db, fast=not args.full, progress=True)
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.article.dataset] = counts.get(example.article.dataset, 0) + 1
    trained_on = ", ".join(f"{name} ({n})" for name, n in counts.items()) + f"; {len(examples)} articles"
    stages = sorted({s for e in examples for s in e.stages})
    try:
        model = fit(examples, CANDIDATES[args.candidate], trained_on=trained_on)
    except ValueError as exc:
        raise InputError(f"{data}: {exc}") from None
    model.info["candidate"] = args.candidate
    model.info["stages"] = stages
    model.save(args.out)
    size = args.out.stat().st_size
    print(
        f"trained {args.candidate} on {len(examples)} articles with stages {', '.join(stages)} "
        f"in {time.perf_counter() - started:.0f} s; wrote {args.out} ({size / 1e6:.1f} MB)"
    )
    return 0


#: Below this many scored articles the estimated base rate is flagged as rough.
FEW_ARTICLES = 100


def run_base_rate(args: argparse.Namespace) -> int:
    """Estimate a feed's share of misinformation from a batch output's risk scores (no labels needed)."""
    from factsift.scoring.batchscores import read_scores
    from factsift.scoring.prior import estimate_prior
    from factsift.scoring.riskmodel import load_model

    found = read_scores(args.output)
    if not found.scores:
        raise InputError(f"{args.output}: no risk scores (did the risk stage run?)")
    assumed = args.scored_at if args.scored_at is not None else load_model(options_at_edge().risk_model).base_rate
    estimate = estimate_prior(found.scores, assumed=assumed)
    # EM may end on 0 or 1, which no score can be moved to; n articles cannot resolve a share finer
    # than about half an article either way.
    floor = max(0.5 / estimate.n, 1e-4)
    rate = min(1.0 - floor, max(floor, estimate.rate))
    print(f"{rate:.4f}")
    note = (
        f"estimated from {estimate.n} risk scores ({found.without_score} rows without one) calibrated at "
        f"base rate {assumed:g}; EM {'converged' if estimate.converged else 'did NOT converge'} after "
        f"{estimate.iterations} iterations"
    )
    if rate != estimate.rate:
        note += f" at {estimate.rate:.4f}, kept within half an article of 0 and 1"
    note += f". Pass it on: --base-rate {rate:.4f}"
    if estimate.n < FEW_ARTICLES:
        note += f". Only {estimate.n} articles: the estimate is rough"
    print(note, file=sys.stderr)
    return 0


#: How a label may be written in a calibration CSV: 1 = misinformation, 0 = not.
LABEL_WORDS = {
    "1": 1, "0": 0, "misinformation": 1, "fake": 1, "false": 1, "unreliable": 1,
    "reliable": 0, "real": 0, "true": 0, "legit": 0,
}  # fmt: skip


def read_labels(path: Path) -> list[tuple[dict[str, str], int]]:
    """The rows of a calibration CSV: a ``label`` column and one of ``path`` (relative to the CSV), ``url`` or
    ``text`` per row.  Any bad row is an InputError naming its line (nothing is fitted from a partial file)."""
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = set(reader.fieldnames or [])
        if "label" not in fields or not fields & {"path", "url", "text"}:
            raise InputError(f"{path}: needs a 'label' column and a 'path', 'url' or 'text' column")
        rows = []
        for line, row in enumerate(reader, start=2):
            label = LABEL_WORDS.get((row.get("label") or "").strip().lower())
            if label is None:
                raise InputError(f"{path}:{line}: label {row.get('label')!r} is not 1/0, fake/real or similar")
            if not any((row.get(name) or "").strip() for name in ("path", "url", "text")):
                raise InputError(f"{path}:{line}: no path, url or text")
            rows.append((row, label))
    return rows


def run_calibrate(args: argparse.Namespace) -> int:
    """Analyse each labelled article of the user's feed and fit the feed calibration on the risk log-odds."""
    from tqdm import tqdm

    from factsift.ml.logistic import logit
    from factsift.pipeline import analyse
    from factsift.scoring.feedcalibration import fit_feed_calibration, write_calibration
    from factsift.scoring.riskmodel import load_model

    rows = read_labels(args.labels)
    options: dict[str, object] = {"fast": args.fast, **({"db": args.db} if args.db else {})}
    log_odds, labels = [], []
    for row, label in tqdm(rows, desc="scoring labelled articles", unit="article", file=sys.stderr):
        if (row.get("path") or "").strip():
            source = args.labels.parent / row["path"].strip()
            report = analyse(str(source), **options)  # type: ignore[arg-type]
        elif (row.get("text") or "").strip():
            report = analyse(text=row["text"], **options)  # type: ignore[arg-type]
        else:
            report = analyse(url=row["url"].strip(), **options)  # type: ignore[arg-type]
        if report.risk is None:
            raise InputError(f"{args.labels}: the risk stage did not run for {row}")
        log_odds.append(logit(report.risk.score))
        labels.append(label)
    model = load_model()
    calibration = fit_feed_calibration(log_odds, labels, model=f"{model.name} {model.version}")
    write_calibration(calibration, args.out)
    print(
        f"fitted on {calibration.labels} articles ({calibration.positives} misinformation): "
        f"slope {calibration.slope:.3f}, shift {calibration.shift:+.3f}; wrote {args.out}. "
        f"Use it with --calibration {args.out}"
    )
    return 0


def register(commands: Commands) -> None:
    risk = commands.add(
        "risk",
        lambda args: usage(risk),
        help="risk-score tools (estimate a feed's base rate, calibrate on a labelled feed)",
    )
    tools = risk.add_subparsers(dest="risk_command", metavar="COMMAND")
    estimate = tools.add_parser(
        "base-rate",
        help="estimate the share of misinformation in a batch output's feed, without labels",
        description="Estimate the share of misinformation among the articles of a `factsift batch` output "
        "(JSONL or Parquet, run without --base-rate) from their risk scores alone, by the EM procedure of "
        "Saerens, Latinne & Decaestecker (2002). Prints the rate; pass it to check/batch as --base-rate. "
        "It needs many articles from the same feed: one article cannot estimate its own base rate.",
    )
    estimate.add_argument("output", type=Path, help="a factsift batch output (.jsonl or .parquet)")
    estimate.add_argument(
        "--scored-at",
        type=base_rate,
        metavar="P",
        help="the base rate the scores are calibrated at (default: the risk model's assumed rate)",
    )
    estimate.set_defaults(handler=run_base_rate)
    calibrate = tools.add_parser(
        "calibrate",
        help="fit the risk score's calibration on labelled articles of your own feed",
        description="Analyse the labelled articles listed in LABELS.csv (columns: label = 1/0 or fake/real, and "
        "path (relative to the CSV), url or text) and fit the risk score's calibration to them (Platt scaling "
        "held near the shipped model, so 25-50 labels already help; see docs/factchecks-trust.md). "
        "Use the file with --calibration FILE on check, batch and serve.",
    )
    calibrate.add_argument("labels", type=Path, help="CSV of labelled articles from your feed")
    calibrate.add_argument("--out", type=Path, required=True, help="where to write the calibration (JSON)")
    calibrate.add_argument("--db", type=Path, help="fact-check store (default: $FACTSIFT_DB or the user data dir)")
    calibrate.add_argument("--fast", action="store_true", help="skip the slowest steps (as for check --fast)")
    calibrate.set_defaults(handler=run_calibrate)

    parser = commands.add_training(
        "risk",
        run_train,
        help="retrain the calibrated risk model from labelled articles",
        description="Retrain the risk model on the labelled article datasets under --data "
        "(the layout of shared/data/articles: fakenewsnet_v1, fakenewsnet_defend, buzzfeed_webis_2016, fakenews_amt).",
        data="folder holding the labelled article datasets",
        out=(Path("risk-model.json.gz"), "where to write the model"),
    )
    parser.add_argument(
        "--candidate",
        default=SHIPPED_CANDIDATE,
        help="model configuration, one of factsift.scoring.train.CANDIDATES (default: the shipped one)",
    )
    parser.add_argument(
        "--factcheck-db", type=Path, help="fact-check store to match against (default: none, see README on leakage)"
    )
    parser.add_argument("--full", action="store_true", help="run the evidence stages without --fast")


cli_commands("risk")(register)
