"""The ``sources`` pipeline stage: who published this, and what independent raters say about them."""

from __future__ import annotations

from factsift.config import SourcesConfig
from factsift.context import Context
from factsift.model import Report
from factsift.pipeline import stage
from factsift.sources.outlet import rate_outlet
from factsift.sources.table import ratings_table


@stage("sources", requires=("article",), assigns=("source",))
def sources_stage(report: Report, context: Context[SourcesConfig]) -> Report:
    """Fill ``report.source`` from the shipped ratings and the section's ``ratings`` (a user file) over them."""
    report.source = rate_outlet(report, ratings_table(context.config.ratings))
    return report
