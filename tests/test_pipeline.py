from __future__ import annotations

import pytest

import factsift
from factsift import pipeline
from factsift.errors import InputError
from factsift.model import Report
from factsift.options import Options

TEXT = "Harbour Budget Passes\n\nThe regional council approved the harbour budget on Tuesday after a long debate."


def test_exactly_one_input_is_required() -> None:
    with pytest.raises(InputError, match="exactly one input"):
        factsift.analyse()
    with pytest.raises(InputError, match="got html, text"):
        factsift.analyse(text="a", html="b")


def test_unknown_options_are_rejected() -> None:
    with pytest.raises(TypeError, match="unknown option"):
        factsift.analyse(text=TEXT, allow_privat=True)


def test_a_crashing_stage_is_recorded_and_the_rest_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def broken(report: Report, options: Options) -> Report:
        raise RuntimeError("model file corrupt")

    def fine(report: Report, options: Options) -> Report:
        calls.append("fine")
        return report

    monkeypatch.setattr(pipeline, "registered_stages", lambda: {"broken": broken, "fine": fine})
    report = factsift.analyse(text=TEXT)
    assert calls == ["fine"]
    assert report.stages == ["ingest", "fine"]
    assert [(e.stage, e.message) for e in report.errors] == [("broken", "RuntimeError: model file corrupt")]
    assert set(report.timings_ms) == {"ingest", "broken", "fine"}


def test_stage_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def make(name: str) -> pipeline.StageFn:
        def run(report: Report, options: Options) -> Report:
            ran.append(name)
            return report

        return run

    monkeypatch.setattr(pipeline, "registered_stages", lambda: {"a": make("a"), "b": make("b")})
    factsift.analyse(text=TEXT, stages=["b"])
    assert ran == ["b"]


def test_registered_stages_follow_pipeline_order() -> None:
    names = list(pipeline.registered_stages())
    assert names == [name for name in pipeline.STAGE_MODULES if name in names]


def test_content_with_its_url_names_the_outlet_without_fetching() -> None:
    report = factsift.analyse(text=TEXT, url="https://www.harbour-gazette.example/2023/vote")
    assert report.input.kind == "text"
    assert report.input.url == "https://www.harbour-gazette.example/2023/vote"
    assert report.article.outlet.domain == "harbour-gazette.example"
    assert report.article.outlet.found_in == "url"
    with pytest.raises(InputError, match="malformed URL"):
        factsift.analyse(text=TEXT, url="https://[::1/")
