from __future__ import annotations

import pytest

import factsift
from factsift import pipeline
from factsift.context import Context
from factsift.errors import InputError
from factsift.model import Report
from factsift.plugins import PluginError, UnknownPluginError

TEXT = "Harbour Budget Passes\n\nThe regional council approved the harbour budget on Tuesday after a long debate."


def test_exactly_one_input_is_required() -> None:
    with pytest.raises(InputError, match="exactly one input"):
        factsift.analyse()
    with pytest.raises(InputError, match="got html, text"):
        factsift.analyse(text="a", html="b")


def test_unknown_options_are_rejected() -> None:
    with pytest.raises(TypeError, match="unknown option"):
        factsift.analyse(text=TEXT, allow_privat=True)


@pytest.fixture
def only_stages(monkeypatch: pytest.MonkeyPatch) -> pipeline.Registry[pipeline.StageSpec]:
    """The stage registry emptied for one test (factsift's own stages come back afterwards)."""
    pipeline.STAGES.load()
    monkeypatch.setattr(pipeline.STAGES, "_items", {})
    monkeypatch.setattr(pipeline.STAGES, "_origins", {})
    return pipeline.STAGES


def test_a_crashing_stage_is_recorded_and_the_rest_still_runs(only_stages: object) -> None:
    calls: list[str] = []

    @pipeline.stage("broken")
    def broken(report: Report, context: Context[object]) -> Report:
        raise RuntimeError("model file corrupt")

    @pipeline.stage("fine")
    def fine(report: Report, context: Context[object]) -> Report:
        calls.append("fine")
        return report

    report = factsift.analyse(text=TEXT)
    assert calls == ["fine"]
    assert report.stages == ["ingest", "fine"]
    assert [(e.stage, e.message) for e in report.errors] == [("broken", "RuntimeError: model file corrupt")]
    assert set(report.timings_ms) == {"ingest", "broken", "fine"}


def _recording(ran: list[str], name: str) -> pipeline.StageFn:
    def run(report: Report, context: Context[object]) -> Report:
        ran.append(name)
        return report

    return run


def test_stage_selection(only_stages: object) -> None:
    ran: list[str] = []
    pipeline.stage("a")(_recording(ran, "a"))
    pipeline.stage("b")(_recording(ran, "b"))
    factsift.analyse(text=TEXT, stages=["b"])
    assert ran == ["b"]


def test_a_misspelt_stage_is_an_error_naming_the_known_stages() -> None:
    with pytest.raises(UnknownPluginError) as caught:
        factsift.analyse(text=TEXT, stages=["sorces", "risk"])
    known = "ingest, sources, claims, factchecks, signals, coverage, risk"
    assert str(caught.value) == f"unknown stage 'sorces'; known: {known}"


def test_order_follows_what_each_stage_requires_and_assigns(only_stages: object) -> None:
    ran: list[str] = []
    pipeline.stage("summary", requires=("extensions.topics", "signals"))(_recording(ran, "summary"))
    pipeline.stage("topics", assigns=("extensions.topics",))(_recording(ran, "topics"))
    pipeline.stage("signals", assigns=("signals",))(_recording(ran, "signals"))
    pipeline.stage("unrelated")(_recording(ran, "unrelated"))
    assert factsift.analyse(text=TEXT).stages == ["ingest", "topics", "signals", "summary", "unrelated"]


def test_stages_that_need_each_other_are_an_error(only_stages: object) -> None:
    pipeline.stage("egg", requires=("extensions.chicken",), assigns=("extensions.egg",))(_recording([], "egg"))
    pipeline.stage("chicken", requires=("extensions.egg",), assigns=("extensions.chicken",))(_recording([], "c"))
    with pytest.raises(PluginError, match="stages chicken, egg require each other's output"):
        factsift.analyse(text=TEXT)


def test_a_stage_registered_twice_or_writing_no_field_is_an_error() -> None:
    with pytest.raises(PluginError, match=r"stage .sources. is registered twice: by factsift\.sources\.stage and by "):
        pipeline.stage("sources")(_recording([], "impostor"))
    with pytest.raises(PluginError, match="'verdict' is not a report field"):
        pipeline.stage("judge", assigns=("verdict",))(_recording([], "judge"))


def test_registered_stages_follow_pipeline_order() -> None:
    assert list(pipeline.registered_stages()) == ["sources", "claims", "factchecks", "signals", "coverage", "risk"]


def test_content_with_its_url_names_the_outlet_without_fetching() -> None:
    report = factsift.analyse(text=TEXT, url="https://www.harbour-gazette.example/2023/vote")
    assert report.input.kind == "text"
    assert report.input.url == "https://www.harbour-gazette.example/2023/vote"
    assert report.article.outlet.domain == "harbour-gazette.example"
    assert report.article.outlet.found_in == "url"
    with pytest.raises(InputError, match="malformed URL"):
        factsift.analyse(text=TEXT, url="https://[::1/")
