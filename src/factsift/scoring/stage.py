"""The ``risk`` pipeline stage: a calibrated, explained probability that the article is misinformation."""

from __future__ import annotations

from pathlib import Path

from factsift.model import Report
from factsift.options import Options
from factsift.pipeline import stage
from factsift.scoring.explain import assess
from factsift.scoring.feedcalibration import read_calibration
from factsift.scoring.riskmodel import load_model


def model_path(options: Options) -> Path | None:
    """A user's own model file (``options.risk_model``, also set by ``$FACTSIFT_RISK_MODEL``), else None (shipped)."""
    custom = options.risk_model or options.extra.get("risk_model")
    return Path(custom) if custom else None


@stage("risk", requires=("source", "claims", "factchecks", "signals"), assigns=("risk",))
def risk_stage(report: Report, options: Options) -> Report:
    """Score the report from whatever evidence the earlier stages left in it."""
    calibration = read_calibration(options.calibration) if options.calibration is not None else None
    report.risk = assess(load_model(model_path(options)), report, options.base_rate, calibration)
    return report
