"""Missing provenance: byline, date, documents and the sourcing of figures."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from signal_texts import article_from, wire_article

from factsift.model import Report
from factsift.signals.missing_provenance import _figures, missing_provenance


def test_seed_article_lacks_author_date_documents_and_sources(seed_report: Report) -> None:
    signal = seed_report.signal("missing_provenance")
    assert signal is not None
    assert signal.details["missing"] == ["author", "date", "documents", "number_sources"]
    texts = {s.text for s in signal.spans}
    assert {"more than 30 attacks", "22 strikes"} <= texts
    assert signal.score >= 0.8


def test_wire_story_is_sourced() -> None:
    article = wire_article()
    signal = missing_provenance(article)
    assert not {"author", "date", "documents"} & set(signal.details["missing"])
    assert "31 strikes" not in {s.text for s in signal.spans}  # Davis said ... 31 strikes
    assert signal.score < 0.15


def test_figures_skip_dates_years_times_and_ages() -> None:
    text = (
        "On March 3, 2016 at 10:30 a.m., a 27-year-old made a 180-degree turn. "
        "About 1,200 soldiers, 45 percent of voters and $3.5 million were counted on 23 January."
    )
    assert [text[s:e] for s, e in _figures(text)] == ["About 1,200 soldiers", "45 percent", "$3.5 million"]


def test_named_source_in_the_sentence_sources_the_figure() -> None:
    signal = missing_provenance(article_from("The mayor, Ana Ruiz, said 40 homes were flooded."))
    assert signal.details["unsourced_figures"] == 0
    signal = missing_provenance(article_from("Officials said 40 homes were flooded."))
    assert signal.details["unsourced_figures"] == 1


@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.$%-:/abcMarchmoreth\n")), max_size=200))
def test_figure_spans_are_exact(text: str) -> None:
    signal = missing_provenance(article_from(text))
    for span in signal.spans:
        assert text[span.start : span.end] == span.text and span.text
