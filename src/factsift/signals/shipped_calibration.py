"""The shipped calibration numbers: per-signal rates measured on real news articles.

``data/calibration.json`` is written by :mod:`factsift.signals.calibration`
(``factsift train signals --data DIR --out FILE``); signals read their section here.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factsift.signals.registry import SignalContext

CALIBRATION_FILE = "calibration.json"


#: Environment variable naming a calibration file (from ``factsift train signals``) to use instead (read at the edge).
CALIBRATION_ENV = "FACTSIFT_SIGNALS_CALIBRATION"


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@functools.cache
def _shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("factsift.signals").joinpath("data", CALIBRATION_FILE).read_text(encoding="utf-8")
    )
    return data


def calibration(signal_name: str, context: SignalContext | None = None) -> dict[str, Any]:
    """The calibration section of ``signal_name`` (``median``, ``p90`` … of its raw value on real news).

    From the file the signal's section names (``[signals] calibration``, ``$FACTSIFT_SIGNALS_CALIBRATION``),
    read once per analyser, else from the shipped file (once per process).
    """
    if context is None or context.config.calibration is None:
        return dict(_shipped()[signal_name])
    path = context.config.calibration
    return dict(context.models.get(("signals calibration", path), lambda: _read(path))[signal_name])


def percentile_score(value: float, median: float, p90: float) -> float:
    """0 at or below the real-news median, 0.5 at the real-news 90th percentile, towards 1 above it."""
    spread = max(p90 - median, 1e-6)
    return float(1.0 - 2.0 ** (-max(0.0, value - median) / spread))
