"""The anonymous sourcing signal: the seed article scores high, a wire story quoting named people low."""

from __future__ import annotations

from signal_texts import article_from, wire_article

from factsift.model import Report
from factsift.signals.anonymous_sourcing import anonymous_score, anonymous_sourcing


def test_seed_article_has_at_least_five_anonymous_spans(seed_report: Report) -> None:
    signal = seed_report.signal("anonymous_sourcing")
    assert signal is not None and signal.error is None
    assert len(signal.spans) >= 5
    assert signal.score >= 0.8
    assert signal.details["named"] == 0
    texts = {s.text for s in signal.spans}
    assert "intelligence sources confirmed" in texts
    assert "according to intelligence insiders" in texts
    assert "U.S. officials said" in texts
    for span in signal.spans:
        assert seed_report.article.text[span.start : span.end] == span.text


def test_wire_story_quoting_named_people_scores_low() -> None:
    signal = anonymous_sourcing(wire_article())
    assert signal.details["named"] >= 5
    assert signal.details["anonymous"] == 1  # "speaking on condition of anonymity"
    assert signal.score < 0.2


def test_no_attribution_scores_zero() -> None:
    signal = anonymous_sourcing(article_from("The river rose two metres overnight and the bridge was closed."))
    assert signal.score == 0.0
    assert signal.spans == []


def test_score_grows_with_count_and_share() -> None:
    assert anonymous_score(0, 3) == 0.0
    assert anonymous_score(1, 0) < anonymous_score(3, 0) < anonymous_score(6, 0) <= 1.0
    assert anonymous_score(3, 10) < anonymous_score(3, 1)
