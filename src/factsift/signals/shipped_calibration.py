"""The shipped calibration numbers: per-signal rates measured on real news articles.

``data/calibration.json`` is written by :mod:`factsift.signals.calibration`
(``factsift train signals --data DIR``); signals read their section here.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

CALIBRATION_FILE = "calibration.json"


@functools.cache
def _all() -> dict[str, Any]:
    ref = resources.files("factsift.signals").joinpath("data", CALIBRATION_FILE)
    data: dict[str, Any] = json.loads(ref.read_text(encoding="utf-8"))
    return data


def calibration(signal_name: str) -> dict[str, Any]:
    """The calibration section of ``signal_name`` (``median``, ``p90`` … of its raw value on real news)."""
    section: dict[str, Any] = _all()[signal_name]
    return section


def percentile_score(value: float, median: float, p90: float) -> float:
    """0 at or below the real-news median, 0.5 at the real-news 90th percentile, towards 1 above it."""
    spread = max(p90 - median, 1e-6)
    return float(1.0 - 2.0 ** (-max(0.0, value - median) / spread))
