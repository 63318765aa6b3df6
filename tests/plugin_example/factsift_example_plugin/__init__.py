"""An example factsift plugin, as a separate distribution would ship it (see CONTRIBUTING.md).

It adds a warning sign (``exclamation_marks``), a stage that counts paragraphs into
``report.extensions``, a ratings table and a storage backend, all through factsift's decorators;
the distribution's entry point (``factsift.plugins``) names this module, so factsift imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from factsift.context import Context
from factsift.factchecks.sqlite_store import SQLiteStore
from factsift.factchecks.store import store_backend
from factsift.model import Article, Report, Signal
from factsift.pipeline import stage
from factsift.signals.registry import SignalContext, signal
from factsift.sources.table import Entry, rating_table


@signal("exclamation_marks", "Exclamation marks in the body, per 100 words.", risk_feature=True)
def exclamation_marks(article: Article, context: SignalContext) -> Signal:
    """Score the share of exclamation marks: 0 for none, 1 at ``saturation`` (default 5) or more per 100 words."""
    words = max(1, len(article.text.split()))
    rate = 100 * article.text.count("!") / words
    saturation = float(context.config.settings.get("saturation", 5))  # [signals.exclamation_marks] saturation
    return Signal(
        name="exclamation_marks",
        score=min(1.0, rate / saturation),
        explanation=f"{rate:.1f} exclamation marks per 100 words.",
    )


@stage("paragraphs", requires=("article",), assigns=("extensions.paragraphs",))
def paragraphs(report: Report, context: Context[Mapping[str, Any]]) -> Report:
    """Count the body's paragraphs (blank-line separated) into ``report.extensions["paragraphs"]``."""
    report.extensions["paragraphs"] = len([p for p in report.article.text.split("\n\n") if p.strip()])
    return report


@rating_table("example-watchlist", provenance=("Example watch list (test data, no real outlet)",))
def watchlist() -> Iterable[Entry]:
    """Two made-up outlets with a score and a label."""
    return [
        Entry(domain="harbour-gazette-example.com", score=0.9, note="checked by the example team"),
        Entry(domain="rumour-mill-example.net", label="unreliable"),
    ]


@store_backend("example")
def open_example_store(location: str, create: bool) -> SQLiteStore:
    """``example://NAME``: a SQLite file called NAME.db (``location`` is a path without the suffix)."""
    path = Path(location).with_suffix(".db")
    if not create and not path.is_file():
        raise FileNotFoundError(path)
    return SQLiteStore(path)
