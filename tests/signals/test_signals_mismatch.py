"""Headline–body mismatch."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from signal_texts import article_from, wire_article

from factsift.model import Report
from factsift.signals.headline_body_mismatch import headline_body_mismatch, headline_terms


def test_function_words_are_left_out() -> None:
    assert [t[2] for t in headline_terms("The Mayor Says It Will Rain on the Parade")] == ["mayor", "rain", "parad"]


def test_body_that_backs_the_headline_scores_lower_than_one_that_does_not() -> None:
    body = "Mayor Ana Ruiz said the parade would be cancelled because of heavy rain. The parade was due on Sunday."
    backed = headline_body_mismatch(article_from(body, "Mayor cancels parade over rain"))
    unbacked = headline_body_mismatch(article_from(body, "Volcano eruption forces airport closure"))
    assert backed.score < unbacked.score
    assert {s.note for s in unbacked.spans} == {"not in the body"}


def test_seed_headline_words_missing_from_body(seed_report: Report) -> None:
    signal = seed_report.signal("headline_body_mismatch")
    assert signal is not None
    title = seed_report.article.title or ""
    missing = {s.text for s in signal.spans if s.note == "not in the body"}
    assert "Putin" in missing
    for span in signal.spans:
        assert span.field == "title" and title[span.start : span.end] == span.text
    assert signal.score > headline_body_mismatch(wire_article()).score


def test_no_headline_scores_zero() -> None:
    assert headline_body_mismatch(article_from("Some body text.")).score == 0.0


@given(st.text(alphabet="ab1.’'- ,\n", max_size=40), st.integers(0, 40), st.integers(0, 40))
@settings(max_examples=500)
def test_words_within_a_range_are_those_of_the_whole_text(text: str, lo: int, hi: int) -> None:
    from factsift.signals import headline_body_mismatch as mismatch

    whole = [mismatch._stem(m.group(0)) for m in mismatch._WORD.finditer(text) if lo <= m.start() < hi]
    assert mismatch._stems_starting_within(text, lo, hi) == whole
