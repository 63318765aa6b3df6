"""The ``sources`` pipeline stage: who published this, and what independent raters say about them."""

from __future__ import annotations

from factsift.model import Report
from factsift.options import Options
from factsift.pipeline import stage
from factsift.sources.outlet import rate_outlet
from factsift.sources.table import ratings_table


@stage("sources", requires=("article",), assigns=("source",))
def sources_stage(report: Report, options: Options) -> Report:
    """Fill ``report.source`` from the shipped ratings and ``options.ratings`` (a user file) over them."""
    report.source = rate_outlet(report, ratings_table(options.ratings))
    return report
