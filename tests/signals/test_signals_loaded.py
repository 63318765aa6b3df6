"""Loaded language: the lexicon's categories, quotes and acronyms, and the calibrated score."""

from __future__ import annotations

from signal_texts import article_from, wire_article

from factsift.model import Report
from factsift.signals.loaded_language import find_hits, loaded_language
from factsift.signals.shipped_calibration import calibration, percentile_score


def _categories(text: str) -> list[str]:
    return [h.category for h in find_hits(text)]


def test_each_category_is_found() -> None:
    assert _categories("the greatest ever") == ["superlative"]
    assert _categories("an extremely long day") == ["intensifier"]
    assert _categories("the regime and the deep state") == ["loaded_political", "loaded_political"]
    assert _categories("jets rain down bombs and slam the city") == ["sensational_verb", "sensational_verb"]
    assert _categories("a shocking, coveted prize") == ["emotive", "emotive"]
    assert _categories("that idiot") == ["ad_hominem"]
    assert _categories("THIS IS HUGE") == ["shouting"]
    assert _categories("Stop it!!!") == ["shouting"]


def test_a_phrase_before_a_closing_curly_quote_is_found() -> None:
    """’ closes a scare quote as often as it starts a possessive: only ’ followed by a letter continues the word."""
    assert _categories("Critics blame the ‘deep state’ for the delay.") == ["loaded_political"]
    assert _categories("Critics blame the “deep state” for the delay.") == ["loaded_political"]
    assert _categories("Critics blame the deep state’s agents for the delay.") == []  # as "deep state's"


def test_acronyms_are_not_shouting() -> None:
    assert _categories("ISIS and the CIA met NATO and the FBI.") == []


def test_quoted_words_do_not_count() -> None:
    """The speaker's words are not the writer's (tests/signals/test_reported_speech.py has the details)."""
    assert _categories("It was a disgusting decision.") == ["emotive"]
    assert _categories('She called it "a disgusting decision".') == []


def test_seed_article_is_loaded(seed_report: Report) -> None:
    signal = seed_report.signal("loaded_language")
    assert signal is not None
    texts = {s.text for s in signal.spans}
    assert {"rain down", "coveted"} <= texts
    assert signal.score > 0.5
    for span in signal.spans:
        assert seed_report.article.text[span.start : span.end] == span.text


def test_wire_story_scores_low() -> None:
    assert loaded_language(wire_article()).score < 0.2


def test_calibration_shape() -> None:
    numbers = calibration("loaded_language")
    assert 0 <= numbers["median"] < numbers["p90"]
    assert numbers["articles"] >= 100
    assert percentile_score(numbers["median"], numbers["median"], numbers["p90"]) == 0.0
    assert abs(percentile_score(numbers["p90"], numbers["median"], numbers["p90"]) - 0.5) < 1e-9


def test_empty_text_scores_zero() -> None:
    assert loaded_language(article_from("   ")).score == 0.0
