"""Training features come from running the pipeline: a stage that exists is picked up by name."""

from __future__ import annotations

import pytest

from factsift import pipeline
from factsift.model import Report, Signal, SourceRating
from factsift.options import Options
from factsift.scoring import featurize as featurize_module
from factsift.scoring.datasets import LabelledArticle
from factsift.scoring.featurize import featurize

TITLE = "Council approves new bus routes after a long meeting"
BODY = "The council approved the new bus routes after a long public meeting on Monday evening. " * 5


def fake_sources(report: Report, options: Options) -> Report:
    domain = report.article.outlet.domain
    label = "unreliable" if domain == "hoax.example" else "reliable"
    report.source = SourceRating(domain=domain, name=None, score=0.1 if label == "unreliable" else 0.9, label=label)
    return report


def fake_signals(report: Report, options: Options) -> Report:
    report.signals = [Signal(name="anonymous_sourcing", score=0.8, explanation="test")]
    return report


def test_featurize_runs_the_installed_stages_and_reads_their_output(monkeypatch: pytest.MonkeyPatch) -> None:
    stages = {"sources": fake_sources, "signals": fake_signals}
    monkeypatch.setattr(pipeline, "registered_stages", lambda: stages)
    monkeypatch.setattr(featurize_module, "registered_stages", lambda: stages)
    rows = [
        LabelledArticle(id="a", dataset="d", title=TITLE, text=BODY, label=1, url="https://www.hoax.example/x"),
        LabelledArticle(id="b", dataset="d", title=TITLE, text=BODY, label=0, url="https://news.example/y"),
    ]
    examples = featurize(rows)
    assert [e.article.id for e in examples] == ["a", "b"]
    first, second = examples
    assert first.stages == ("ingest", "sources", "signals")
    assert first.values["source_missing"] == 0.0 and first.values["source_unreliable"] == 1.0
    assert second.values["source_score"] == pytest.approx(0.4)
    assert first.values["signal_anonymous_sourcing"] == 0.8
    assert first.values["signal_loaded_language_missing"] == 1.0
    assert first.values["claims_missing"] == 1.0 and first.values["factchecks_missing"] == 1.0
    assert first.document.startswith(TITLE + "\n\n")
