"""Derive the shipped calibration from real news (``factsift train signals --data DIR``).

For the signals scored against real news (loaded language, headline–body mismatch), measures the
raw value on the *real* articles of the calibration half of the labelled collections
(:func:`factsift.signals.datasets.is_calibration_half`) and keeps its percentiles.  The other
half and every fake article are left for the benchmark (``bench/signals.py``).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from factsift.errors import InputError
from factsift.signals.datasets import LabelledArticle, is_calibration_half, load_articles
from factsift.signals.headline_body_mismatch import raw_mismatch
from factsift.signals.loaded_language import find_hits, rate_per_100_words

MIN_ARTICLES = 20


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) of ``values`` by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _loaded_rate(record: LabelledArticle) -> float | None:
    return rate_per_100_words(record.text, find_hits(record.text))


def _mismatch(record: LabelledArticle) -> float | None:
    result = raw_mismatch(record.to_article())
    return None if result is None else result[0]


#: Signal name -> (what is measured, raw value of one article or None when it does not apply).
MEASURES: dict[str, tuple[str, Callable[[LabelledArticle], float | None]]] = {
    "loaded_language": ("weighted lexicon hits per 100 words", _loaded_rate),
    "headline_body_mismatch": ("raw headline-body mismatch", _mismatch),
}


def _summary(what: str, values: list[float], records: list[LabelledArticle]) -> dict[str, Any]:
    datasets = sorted({r.dataset for r in records})
    return {
        "source": f"{what} on {len(values)} real articles ({', '.join(datasets)}), calibration half",
        "articles": len(values),
        "mean": round(statistics.fmean(values), 4),
        "median": round(percentile(values, 50), 4),
        "p75": round(percentile(values, 75), 4),
        "p90": round(percentile(values, 90), 4),
        "p95": round(percentile(values, 95), 4),
    }


def calibrate(data: Path) -> dict[str, Any]:
    """Percentiles of each calibrated signal's raw value on the calibration half of the real articles."""
    records = [r for r in load_articles(data) if r.label == "real" and is_calibration_half(r)]
    if len(records) < MIN_ARTICLES:
        raise InputError(f"{data}: found {len(records)} real articles for calibration, need at least {MIN_ARTICLES}")
    result: dict[str, Any] = {}
    for name, (what, measure) in MEASURES.items():
        values = [v for v in map(measure, records) if v is not None]
        if len(values) < MIN_ARTICLES:
            raise InputError(f"{data}: only {len(values)} real articles apply to {name}")
        result[name] = _summary(what, values, records)
    return result


def write_calibration(data: Path, out: Path) -> dict[str, Any]:
    """Calibrate on ``data`` and write the JSON file the signals read."""
    numbers = calibrate(data)
    out.write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
    return numbers
