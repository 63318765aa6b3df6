"""CONTRIBUTING.md's walkthroughs, run against the example plugin distribution (tests/plugin_example).

The plugin is found through its ``factsift.plugins`` entry point, as an installed package would be:
nothing in factsift names it, yet its warning sign, stage and ratings table show up in the report.
"""

from __future__ import annotations

import jsonschema
import pytest

import factsift
from factsift.cli import main
from factsift.schema import report_schema
from factsift.scoring.features import evidence_features

SHOUTY = (
    "Mayor Resigns!\n\nThe mayor resigned on Tuesday! Nobody saw it coming!\n\n"
    "The council will meet on Friday to choose who takes over until the election in May."
)


def test_without_the_plugin_factsift_has_only_its_own_signals() -> None:
    report = factsift.analyse(text=SHOUTY, fast=True)
    assert report.signal("exclamation_marks") is None and "paragraphs" not in report.stages
    assert "signal_exclamation_marks" not in evidence_features(report)


def test_a_warning_sign_and_a_stage_from_an_installed_plugin(example_plugin: str) -> None:
    plain = factsift.analyse(text=SHOUTY, fast=True, stages=["sources", "claims", "factchecks", "signals", "risk"])
    report = factsift.analyse(text=SHOUTY, fast=True)
    found = report.signal("exclamation_marks")
    assert found is not None and found.error is None and found.score == 1.0  # 3 marks in 30-odd words
    assert report.stages == ["ingest", "sources", "claims", "factchecks", "signals", "coverage", "risk", "paragraphs"]
    assert report.extensions == {"paragraphs": 3}
    features = evidence_features(report)
    assert features["signal_exclamation_marks"] == 1.0 and features["signal_exclamation_marks_missing"] == 0.0
    # The shipped model has no weight for it until retrained: the score is the same without the plugin.
    assert report.risk is not None and plain.risk is not None and report.risk.score == plain.risk.score
    jsonschema.validate(report.to_dict(), report_schema())


def test_the_plugins_signal_is_listed_by_the_command_line(
    example_plugin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["signals", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "exclamation_marks" in listed and "loaded_language" in listed


def test_a_ratings_table_from_an_installed_plugin(example_plugin: str) -> None:
    report = factsift.analyse(text=SHOUTY, url="https://www.harbour-gazette-example.com/2024/mayor", stages=["sources"])
    rating = report.source
    assert rating is not None and rating.table == "example-watchlist" and rating.score == 0.9
    assert rating.label == "reliable" and rating.raters[0].name == "example-watchlist"
    assert "Example watch list (test data, no real outlet)" in rating.provenance
    other = factsift.analyse(text=SHOUTY, url="https://rumour-mill-example.net/a", stages=["sources"]).source
    assert other is not None and other.label == "unreliable" and other.score is None
