"""Run the real pipeline over labelled articles to get the risk model's training features.

Every article goes through ingest and every other registered stage (sources, claims, factchecks,
signals — whichever this installation has), exactly as ``factsift check`` would run them, so a
stage added later is picked up by retraining with no change here.  When the dataset knows the
article's URL, the outlet is set from it before the later stages run (as for a fetched page).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from factsift.analyser import Analyser
from factsift.config import config_at_edge
from factsift.errors import InputError
from factsift.ingest.outlet import host_of
from factsift.ingest.stage import ingest
from factsift.model import Report
from factsift.options import StoreUrl
from factsift.pipeline import registered_stages, run_stages
from factsift.scoring.datasets import LabelledArticle
from factsift.scoring.explain import shrink_factor
from factsift.scoring.features import decisive_factcheck, evidence_features
from factsift.scoring.textmodel import model_input


@dataclass(frozen=True)
class Example:
    """One labelled article as the risk model sees it: evidence features, text-model input, rule inputs."""

    article: LabelledArticle
    values: dict[str, float]
    document: str
    shrink: float
    decisive: bool
    stages: tuple[str, ...]


def evidence_stages() -> list[str]:
    """The stages before ``risk`` that this installation has."""
    return [name for name in registered_stages() if name != "risk"]


def analyse_row(row: LabelledArticle, analyser: Analyser) -> Report:
    """Ingest one labelled article as plain text (headline first) and run the evidence stages over it."""
    text = f"{row.title}\n\n{row.text}" if row.title else row.text
    report = ingest(text=text, options=analyser.config.options)
    if row.url:
        report.input.url = row.url
        report.article.outlet.domain = host_of(row.url if "://" in row.url else "http://" + row.url)
        report.article.outlet.found_in = "url"
    report.stages.append("ingest")
    return run_stages(report, analyser.config, analyser.models)


def example_of(row: LabelledArticle, report: Report) -> Example:
    """The features of one analysed article."""
    values = evidence_features(report)
    return Example(
        article=row,
        values=values,
        document=model_input(report.article.title, report.article.text),
        shrink=shrink_factor(report, values),
        decisive=decisive_factcheck(report) is not None,
        stages=tuple(report.stages),
    )


def featurize(
    rows: list[LabelledArticle], *, db: StoreUrl | None = None, fast: bool = True, progress: bool = False
) -> list[Example]:
    """Analyse every row with the evidence stages (fact-checks from ``db``) and return its features.

    Rows that ingest rejects (no article text left after cleaning) are skipped.
    """
    analyser = Analyser(config_at_edge(stages=evidence_stages(), db=db, fast=fast))
    examples = []
    for index, row in enumerate(rows, 1):
        try:
            report = analyse_row(row, analyser)
        except InputError:
            continue  # nothing left after cleaning (e.g. a page that was all furniture): not an article
        examples.append(example_of(row, report))
        if progress and index % 250 == 0:
            print(f"  analysed {index}/{len(rows)} articles", file=sys.stderr)
    return examples
