"""The ``risk`` pipeline stage: a calibrated, explained probability that the article is misinformation."""

from __future__ import annotations

from pathlib import Path

from factsift.config import RiskConfig
from factsift.context import Context
from factsift.model import Report
from factsift.pipeline import stage
from factsift.scoring.explain import assess
from factsift.scoring.feedcalibration import read_calibration
from factsift.scoring.riskmodel import RiskModel, read_model


def load_risk_model(context: Context[RiskConfig]) -> RiskModel:
    """The section's model (``risk_model``, also set by ``$FACTSIFT_RISK_MODEL``), else the shipped one."""
    path = context.config.model
    if path is None:
        return RiskModel.shipped()
    return context.models.get(("risk", Path(path)), lambda: read_model(Path(path)))


@stage("risk", requires=("source", "claims", "factchecks", "signals", "coverage"), assigns=("risk",))
def risk_stage(report: Report, context: Context[RiskConfig]) -> Report:
    """Score the report from whatever evidence the earlier stages left in it."""
    config = context.config
    calibration = read_calibration(config.calibration) if config.calibration is not None else None
    report.risk = assess(load_risk_model(context), report, config.base_rate, calibration)
    return report
