"""The ``coverage`` stage: for the headline and the top claims, what other outlets in the archive reported.

It runs when the configured archive (``[coverage] archive``, default the store ``db``) exists and holds
articles; otherwise it leaves ``coverage`` empty and says nothing (no archive is not "nothing found").
The archive's index is built once per analyser and brought up to date before each article (only rows
changed since); up to :data:`VECTORS_PER_ANALYSIS` archived articles without vectors get them first.
"""

from __future__ import annotations

from factsift.archive.index import NO_MODEL
from factsift.config import CoverageConfig
from factsift.context import Context
from factsift.coverage.search import CoverageFinder, CoverageQuery
from factsift.coverage.service import archive_encoder, open_archive
from factsift.model import Report
from factsift.pipeline import stage

#: Claims searched per article (the most check-worthy first; the headline is searched as well).  Ten reach
#: the seed's claim that U.S. and Russian bombers "collaborated on a number of sorties" (its 10th).
TOP_CLAIMS = 10
#: Archived articles given their vectors before one analysis at most (the rest on the next ones).
VECTORS_PER_ANALYSIS = 64


def coverage_queries(report: Report) -> list[CoverageQuery]:
    """The headline (when it is not already a claim) and the top claims, as the report indexes them."""
    queries = [CoverageQuery(i, claim.standalone or claim.text) for i, claim in enumerate(report.claims[:TOP_CLAIMS])]
    title = report.article.title
    if title and not any(claim.span.field == "title" for claim in report.claims[:TOP_CLAIMS]):
        queries.insert(0, CoverageQuery(None, title))
    return queries


def own_outlet(report: Report) -> str | None:
    """The article's own outlet (its rated domain, else the domain ingest found)."""
    if report.source is not None and report.source.domain:
        return report.source.domain
    return report.article.outlet.domain


@stage("coverage", requires=("claims", "source"), assigns=("coverage", "coverage_summary"))
def find_coverage(report: Report, context: Context[CoverageConfig]) -> Report:
    """Fill ``report.coverage`` and ``report.coverage_summary`` from the archive, when there is one."""
    config = context.config
    queries = coverage_queries(report)
    if not queries:
        return report
    encoder = archive_encoder(config)
    model = encoder.model_id if encoder is not None else NO_MODEL
    opened = context.models.get(("archive", str(config.archive), model), lambda: open_archive(config.archive, encoder))
    if opened.archive is None:  # not there when the analyser started: the web app or the watcher may keep one since
        opened.archive = open_archive(config.archive, encoder).archive
    if opened.archive is None or opened.archive.revision() == 0:
        return report
    opened.index.refresh(opened.archive)
    if encoder is not None and opened.index.lacking_vectors:  # asking the archive costs a scan: only when needed
        opened.index.fill_vectors(opened.archive, encoder, VECTORS_PER_ANALYSIS)
        opened.index.refresh(opened.archive)
    finder = CoverageFinder(opened.archive, opened.index, encoder)
    report.coverage, report.coverage_summary = finder.find(
        queries, report.article.published, own_outlet(report), config.days
    )
    return report
