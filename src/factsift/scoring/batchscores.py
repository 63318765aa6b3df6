"""Read the risk scores of a ``factsift batch`` output (JSONL or Parquet), for estimating a feed's base rate."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from factsift.errors import InputError


@dataclass(frozen=True)
class BatchScores:
    """The risk scores found, and how many rows had none (errors, or the risk stage did not run)."""

    scores: list[float]
    without_score: int


def read_scores(path: Path) -> BatchScores:
    """Risk scores of every analysed article in a batch output (``.parquet``/``.pq`` or JSONL).

    Raises InputError when the file cannot be read, or when its scores were already moved to a
    base rate (``--base-rate``): the estimate needs the model's own calibrated scores.
    """
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.suffix.lower() in (".parquet", ".pq") or path.is_dir():
        return _read_parquet(path)
    return _read_jsonl(path)


def _read_parquet(path: Path) -> BatchScores:
    import pyarrow.parquet as pq

    try:
        column = pq.read_table(path, columns=["risk_score"]).column("risk_score").to_pylist()
    except Exception as exc:  # pyarrow raises several types for a file that is not a batch output
        raise InputError(f"{path}: not a Parquet output of factsift batch ({exc})") from None
    scores = [float(v) for v in column if v is not None and math.isfinite(v)]
    return BatchScores(scores=scores, without_score=len(column) - len(scores))


def _read_jsonl(path: Path) -> BatchScores:
    scores: list[float] = []
    without = 0
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise InputError(f"{path}:{number}: not a JSON line") from None
            report = row.get("report") if isinstance(row, dict) else None
            risk = report.get("risk") if isinstance(report, dict) else None
            score = risk.get("score") if isinstance(risk, dict) else None
            if not isinstance(risk, dict) or not isinstance(score, int | float) or not math.isfinite(score):
                without += 1
                continue
            if any(c.get("evidence") == "base rate" for c in risk.get("contributions") or []):
                raise InputError(
                    f"{path}:{number}: this score was already moved with --base-rate; "
                    "estimate from a batch run without --base-rate"
                )
            scores.append(float(score))
    return BatchScores(scores=scores, without_score=without)
