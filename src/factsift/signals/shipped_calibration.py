"""The shipped calibration numbers: per-signal rates measured on real news articles.

``data/calibration.json`` is written by :mod:`factsift.signals.calibration`
(``factsift train signals --data DIR --out FILE``); signals read their section here.
"""

from __future__ import annotations

import functools
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

CALIBRATION_FILE = "calibration.json"


#: Environment variable naming a calibration file (from ``factsift train signals``) to use instead.
CALIBRATION_ENV = "FACTSIFT_SIGNALS_CALIBRATION"


@functools.cache
def _load(path: str) -> dict[str, Any]:
    if path:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    else:
        text = resources.files("factsift.signals").joinpath("data", CALIBRATION_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def calibration(signal_name: str) -> dict[str, Any]:
    """The calibration section of ``signal_name`` (``median``, ``p90`` … of its raw value on real news).

    Read once per process from ``$FACTSIFT_SIGNALS_CALIBRATION`` if set, else the shipped file.
    """
    section: dict[str, Any] = _load(os.environ.get(CALIBRATION_ENV, ""))[signal_name]
    return section


def percentile_score(value: float, median: float, p90: float) -> float:
    """0 at or below the real-news median, 0.5 at the real-news 90th percentile, towards 1 above it."""
    spread = max(p90 - median, 1e-6)
    return float(1.0 - 2.0 ** (-max(0.0, value - median) / spread))
