"""Page metadata read once from the page's tags; the date search only when the tags give no date."""

from __future__ import annotations

import pytest
from resiliparse.parse.html import HTMLTree

import factsift
from factsift.ingest import metadata
from factsift.ingest.metadata import page_metadata

PROSE = "<p>The council approved the harbour budget on Tuesday after a long and heated debate.</p>" * 12


def read(html: str, *, search_date: bool = True) -> metadata.PageMetadata:
    return page_metadata(HTMLTree.parse(html), html, search_date=search_date)


def test_meta_tags_give_title_site_author_date_language_and_host() -> None:
    html = (
        "<html lang='en-GB'><head><title>Harbour vote | Gazette</title>"
        "<meta property='og:title' content='Council Backs Harbour Budget &amp; Pier'>"
        "<meta property='og:site_name' content='Harbour Gazette'><meta name=author content='Mara Quill'>"
        "<meta property='article:published_time' content='2023-05-04T10:00:00Z'>"
        "<link rel='canonical' href='https://www.gazette.example/news/1'></head><body>" + PROSE + "</body></html>"
    )
    meta = read(html)
    assert meta.title == "Council Backs Harbour Budget & Pier"
    assert (meta.site_name, meta.author, meta.published) == ("Harbour Gazette", "Mara Quill", "2023-05-04")
    assert (meta.language, meta.hostname) == ("en", "gazette.example")


def test_title_from_h1_or_page_title_without_site_name() -> None:
    assert read("<title>Harbour vote - Gazette</title><h1>Harbour vote</h1>").title == "Harbour vote"
    assert read("<title>Council backs the harbour budget | Gazette</title>").title == "Council backs the harbour budget"
    swallowed = "<title>Harbour vote</title><h1>Harbour vote" + "<p>more words here</p>" * 20
    assert read(swallowed).title == "Harbour vote"  # an unclosed <h1> that took the page is not the headline


def test_json_ld_and_time_element_dates_need_no_search(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_search(*args: object, **kwargs: object) -> None:
        raise AssertionError("the full-page date search ran although the tags give a date")

    monkeypatch.setattr(metadata, "find_date", no_search)
    json_ld = '<script type="application/ld+json">{"datePublished": "2021-02-03T08:00", "author": {"name": "Ada Voss"}}'
    assert read(json_ld + "</script>").published == "2021-02-03"
    assert read(json_ld + "</script>").author == "Ada Voss"
    assert read("<article><time datetime='2020-11-12'>12 Nov</time></article>").published == "2020-11-12"


def test_date_search_runs_only_when_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def search(html: str, extensive_search: bool) -> str:
        calls.append(html)
        return "2019-07-08"

    monkeypatch.setattr(metadata, "find_date", search)
    assert read("<p>Published 8 July 2019</p>", search_date=False).published is None and calls == []
    assert read("<p>Published 8 July 2019</p>").published == "2019-07-08" and len(calls) == 1


def test_a_bare_year_is_not_taken_for_the_publication_date() -> None:
    """htmldate turns "since early 2016" into 2016-01-01; that would aim coverage's date window at the wrong
    fortnight (no date searches all dates), so a 1 January only the full-text search found is dropped."""
    year_only = "<html><body><article><p>What the council ignored since early 2016 came back.</p>" + PROSE
    assert read(year_only + "</article></body></html>").published is None
    day = "<p>Published 8 July 2019</p>"
    assert read("<html><body><article>" + day + PROSE + "</article></body></html>").published == "2019-07-08"
    new_year = "<html><body><article><p>Published on 1 January 2019.</p>" + PROSE + "</article></body></html>"
    dated_url = '<html><head><link rel="canonical" href="https://example.org/2019/01/01/budget"></head>'
    assert read(dated_url + new_year[6:]).published == "2019-01-01"  # the markup gives that day too


def test_fast_and_full_analyses_read_the_same_body() -> None:
    html = "<html><head><title>Harbour vote</title></head><body><nav>Home News</nav><article>" + PROSE
    html += "</article><footer>© 2023 Gazette. All rights reserved.</footer></body></html>"
    full, fast = factsift.analyse(html=html, stages=()), factsift.analyse(html=html, stages=(), fast=True)
    assert full.article.text == fast.article.text
    assert full.article.text.startswith("The council approved") and "©" not in full.article.text
    assert full.article.kind == "article"
