"""The signals stage, its registry, JSON output, rendering and CLI."""

from __future__ import annotations

import io

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from signal_texts import WIRE_TEXT, article_from

import factsift
from factsift.analyser import Analyser
from factsift.cli import main
from factsift.cli.render import print_report
from factsift.config import SignalsConfig
from factsift.model import Article, Report, Signal
from factsift.plugins import BUILTIN_MODULES, PluginError, UnknownPluginError
from factsift.schema import report_schema
from factsift.signals import registry
from factsift.signals.registry import SIGNALS, SignalSpec, all_signals, signal
from factsift.signals.stage import signals_stage

NAMES = [
    "anonymous_sourcing",
    "clickbait_headline",
    "loaded_language",
    "missing_provenance",
    "headline_body_mismatch",
]


def test_all_five_signals_are_registered_by_their_fixed_names() -> None:
    assert [s.name for s in all_signals()] == NAMES
    assert [s.fn.__module__ for s in all_signals()] == list(BUILTIN_MODULES["signal"])
    assert {s.name for s in all_signals() if s.calibrated} == {"loaded_language", "headline_body_mismatch"}


def test_stage_runs_and_times_every_signal(seed_report: Report) -> None:
    assert "signals" in seed_report.stages
    assert [s.name for s in seed_report.signals] == NAMES
    for name in NAMES:
        assert seed_report.timings_ms[f"signals.{name}"] >= 0
    jsonschema.validate(seed_report.to_dict(), report_schema())


def test_a_failing_signal_is_recorded_without_sinking_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(article: Article, context: object) -> Signal:
        raise RuntimeError("boom")

    specs = [SignalSpec("broken", "always fails", broken), *all_signals()]
    monkeypatch.setattr("factsift.signals.stage.all_signals", lambda: specs)
    report = Report(input=factsift.model.InputInfo(kind="text"), article=article_from(WIRE_TEXT, "Title"))
    report = signals_stage(report, Analyser().context(SignalsConfig()))
    failed = report.signal("broken")
    assert failed is not None and failed.error == "RuntimeError: boom" and failed.score == 0.0
    assert len(report.signals) == len(specs) and all(s.error is None for s in report.signals[1:])


def test_a_signal_module_that_is_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BUILTIN_MODULES, "signal", (*BUILTIN_MODULES["signal"], "factsift.signals.no_such_module"))
    monkeypatch.setattr(SIGNALS, "_loaded", False)
    with pytest.raises(PluginError, match=r"signal module factsift\.signals\.no_such_module could not be imported"):
        all_signals()


def test_a_signal_name_registered_twice_is_a_clear_error() -> None:
    with pytest.raises(PluginError, match="'loaded_language' is registered twice"):
        signal("loaded_language", "an impostor")(lambda article: Signal(name="loaded_language", score=0.0))
    assert SIGNALS.get("loaded_language").fn.__module__ == "factsift.signals.loaded_language"


def test_an_unknown_signal_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPluginError, match="unknown signal 'loaded'; known: anonymous_sourcing, "):
        registry.get_signal("loaded")


def test_running_twice_does_not_duplicate() -> None:
    report = Report(input=factsift.model.InputInfo(kind="text"), article=article_from(WIRE_TEXT, "Title"))
    report = signals_stage(
        signals_stage(report, Analyser().context(SignalsConfig())), Analyser().context(SignalsConfig())
    )
    assert [s.name for s in report.signals] == NAMES


def test_registry_lookup() -> None:
    assert registry.get_signal("loaded_language").name == "loaded_language"


def test_markup_in_article_text_prints_verbatim() -> None:
    text = "The [red]idiot[/red] said it was [bold]the worst[/bold] day."
    report = Report(input=factsift.model.InputInfo(kind="text"), article=article_from(text, "[b]Headline[/b]"))
    report = signals_stage(report, Analyser().context(SignalsConfig()))
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=200, color_system=None))
    out = buffer.getvalue()
    assert "[red]idiot[/red]" in out and "[bold]the worst[/bold]" in out and "[b]Headline[/b]" in out


def test_signals_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signals", "--list"]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert name in out


_PIECES = [*"AaBbOoSs .,!?\"“”'\n0123456789", "said ", "officials ", " U.S. ", "DESTROY ", "according to "]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=80).map("".join),
    st.text(alphabet=st.sampled_from(list("AaBbYou ?!0123")), max_size=60),
)
def test_every_span_points_exactly_into_its_field(text: str, title: str) -> None:
    article = article_from(text, title or None)
    report = signals_stage(
        Report(input=factsift.model.InputInfo(kind="text"), article=article), Analyser().context(SignalsConfig())
    )
    for item in report.signals:
        assert item.error is None, item.error
        assert 0.0 <= item.score <= 1.0
        for span in item.spans:
            source = (article.title or "") if span.field == "title" else article.text
            assert source[span.start : span.end] == span.text
