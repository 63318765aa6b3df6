from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import factsift
from factsift.errors import InputError
from factsift.model import Report

TAGS = ["<p>", "</p>", "<div>", "</div>", "<html>", "<body>", "<script>", "</script>", "<!--", "-->", "<h1>", "</h1>"]
PROSE = "The council approved the harbour budget on Tuesday after a long and heated debate. "


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(TAGS), st.just(PROSE), st.text(max_size=30)), max_size=40))
def test_malformed_html_gives_a_report_or_a_clear_error(pieces: list[str]) -> None:
    html = "".join(pieces)
    try:
        report = factsift.analyse(html=html, as_kind="html")
    except InputError as exc:
        assert str(exc)
        return
    assert isinstance(report, Report)
    for sentence in report.article.sentences:
        assert report.article.text[sentence.start : sentence.end] == sentence.text


def test_unclosed_tags_still_extract() -> None:
    html = f"<html><head><title>Harbour vote</title><body><article><h1>Harbour vote<p>{PROSE * 3}<p>{PROSE}"
    report = factsift.analyse(html=html)
    assert report.article.title == "Harbour vote"
    assert "harbour budget" in report.article.text
