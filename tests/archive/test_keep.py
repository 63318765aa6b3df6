"""What the archive keeps of a report: outlet, reliability, date, title, text, top claims and a stable id."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factsift.analyser import Analyser
from factsift.archive.keep import content_article_id, iso_day, kept_article, outlet_of, top_claims, url_article_id
from factsift.archive.store import MAX_CLAIMS, KeptArticle
from factsift.errors import InputError
from factsift.watch.runner import article_id
from factsift.watch.urls import canonical_url

from .pages import STORIES, analyser, page_html


@pytest.fixture(scope="module")
def using() -> Analyser:
    return analyser()


def test_an_analysed_page_keeps_its_rated_outlet_date_title_text_and_body_claims(using: Analyser) -> None:
    title, published, paragraphs = STORIES[0]
    report = using.analyse(html=page_html(title, published, paragraphs), url="https://www.reuters.com/world/denial")
    kept = kept_article(report)
    assert kept.outlet == "reuters.com"
    assert (kept.outlet_label, kept.outlet_score) == (report.source.label, report.source.score)  # type: ignore[union-attr]
    assert kept.outlet_label == "reliable"
    assert (kept.published, kept.title, kept.url) == ("2017-01-24", title, "https://www.reuters.com/world/denial")
    assert kept.text == report.article.text and paragraphs[1] in kept.text
    body = [c for c in report.claims if c.sentence_id is not None]
    assert body, "the fixture must have body claims"
    by_priority = [c.text for c in sorted(body, key=lambda c: -(c.priority or 0.0))]
    assert list(kept.claims) == by_priority[:MAX_CLAIMS]
    assert title not in kept.claims, "the headline is kept as the title, not again as a claim"


def test_the_report_and_its_json_form_keep_the_same_article(using: Analyser) -> None:
    report = using.analyse(html=page_html(*STORIES[1]), url="https://harbour.example/ferry")
    assert kept_article(json.loads(report.to_json())) == kept_article(report)


def test_the_id_is_the_canonical_urls_so_spellings_of_one_page_and_the_watcher_agree() -> None:
    plain = url_article_id("https://news.example/story/42")
    assert url_article_id("http://www.news.example/story/42/amp/?utm_source=feed#top") == plain
    assert plain == article_id(canonical_url("https://news.example/story/42"))
    assert url_article_id("https://news.example/story/43") != plain


def test_without_a_url_the_id_follows_outlet_title_and_text() -> None:
    base = content_article_id("a.example", "Title", "Body text.")
    assert content_article_id("a.example", "Title", "Body text.") == base
    assert content_article_id("b.example", "Title", "Body text.") != base
    assert content_article_id("a.example", "Title", "Body text, changed.") != base
    assert content_article_id("a.example", "Title\x1fBody", "text.") != content_article_id(
        "a.example", "Title", "Body\x1ftext."
    )


def _report(**sections: Any) -> dict[str, Any]:
    """A minimal report JSON: an article with text, plus ``sections``."""
    article = {"text": "Some body text.", **sections.pop("article", {})}
    return {"input": {"kind": "text"}, "article": article, **sections}


def test_outlet_falls_back_from_rated_domain_to_article_domain_to_url_host_to_name() -> None:
    assert outlet_of(_report(source={"domain": "Rated.Example"}, article={"outlet": {"domain": "x.example"}})) == (
        "rated.example"
    )
    assert outlet_of(_report(source={"domain": None}, article={"outlet": {"domain": "x.example"}})) == "x.example"
    assert outlet_of(_report(input={"url": "https://www.host.example/a"})) == "host.example"
    assert outlet_of(_report(source={"name": "Elsmere Patriot Wire"})) == "Elsmere Patriot Wire"
    assert outlet_of(_report()) is None


def test_claims_most_check_worthy_first_without_repeats_or_the_headline() -> None:
    claims = [
        {"sentence_id": None, "text": "Headline claim", "priority": 0.99},
        {"sentence_id": 3, "text": "Low.", "priority": 0.2},
        {"sentence_id": 1, "text": "High.", "priority": 0.9},
        {"sentence_id": 2, "text": "High.", "priority": 0.8},
        {"sentence_id": 4, "text": "No priority, very check-worthy.", "checkworthiness": 0.95},
        *({"sentence_id": 10 + i, "text": f"Filler {i}.", "priority": 0.1} for i in range(6)),
    ]
    kept = top_claims(_report(claims=claims))
    assert kept[:3] == ("No priority, very check-worthy.", "High.", "Low.")
    assert len(kept) == MAX_CLAIMS and "Headline claim" not in kept


def test_dates_are_calendar_days_and_a_feed_date_fills_a_missing_one() -> None:
    assert iso_day("2017-01-24T10:00:00+02:00") == "2017-01-24"
    assert iso_day("2017-13-40") is None and iso_day("Jan 24, 2017") is None and iso_day(20170124) is None
    report = _report(article={"published": None})
    assert kept_article(report).published is None
    assert kept_article(report, published="2024-12-03T10:00:00+00:00").published == "2024-12-03"
    dated = _report(article={"published": "2017-01-24"})
    assert kept_article(dated, published="2024-12-03").published == "2017-01-24", "the page's own date wins"


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ({"id": "x", "error": "fetch failed"}, "no 'article' section"),
        ({"article": "text"}, "no 'article' section"),
        ({"article": {"text": "   "}}, "has no text"),
        ({"article": {"title": "Only a title"}}, "has no text"),
    ],
)
def test_what_is_not_an_analysed_article_is_refused_with_the_reason(report: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        kept_article(report)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
_FIELDS = st.sampled_from(["text", "title", "published", "outlet", "kind", "url", "domain", "name", "label", "score"])


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "input": st.dictionaries(_FIELDS, _JSON, max_size=3) | _JSON,
            "article": st.dictionaries(_FIELDS, _JSON | st.text(min_size=1), max_size=5) | _JSON,
            "source": st.dictionaries(_FIELDS, _JSON, max_size=4) | _JSON,
            "claims": st.lists(st.dictionaries(st.sampled_from(["sentence_id", "text", "priority"]), _JSON)) | _JSON,
        },
    )
)
def test_any_json_shape_gives_a_kept_article_or_a_clear_input_error(report: dict[str, Any]) -> None:
    try:
        kept = kept_article(report)
    except InputError as exc:
        assert str(exc)
        return
    assert isinstance(kept, KeptArticle) and kept.text.strip() and len(kept.id) == 16
    assert all(isinstance(claim, str) and claim for claim in kept.claims) and len(kept.claims) <= MAX_CLAIMS
    assert kept.published is None or iso_day(kept.published) == kept.published
