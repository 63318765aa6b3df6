"""Page metadata read once from the page's tags and address; a dateline of the extracted text when they give no date."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from resiliparse.parse.html import HTMLTree

import factsift
from factsift.ingest import metadata
from factsift.ingest.metadata import page_metadata, url_date, written_date

PROSE = "<p>The council approved the harbour budget on Tuesday after a long and heated debate.</p>" * 12


def read(html: str) -> metadata.PageMetadata:
    return page_metadata(HTMLTree.parse(html), html)


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


def test_json_ld_and_time_element_dates() -> None:
    json_ld = '<script type="application/ld+json">{"datePublished": "2021-02-03T08:00", "author": {"name": "Ada Voss"}}'
    assert read(json_ld + "</script>").published == "2021-02-03"
    assert read(json_ld + "</script>").author == "Ada Voss"
    assert read("<article><time datetime='2020-11-12'>12 Nov</time></article>").published == "2020-11-12"


def test_dates_written_out_in_tags_and_on_any_element() -> None:
    assert read("<meta name='publishdate' content='05/29/2007 09:49:00'>").published == "2007-05-29"
    assert read("<meta name='date' content='Thu Sep 16 2021 03:52:10 GMT+0000'>").published == "2021-09-16"
    assert read("<meta name='date' content='03/09/2015'>").published is None  # 3 September or 9 March: not read
    itemprop = "<p><abbr class='published' itemprop='datePublished' title='2016-05-08T00:55:00-07:00'>May 8</abbr></p>"
    assert read(itemprop).published == "2016-05-08"
    iso_first = "<meta name='date' content='May 1, 2020'><meta property='article:published_time' content='2020-05-02'>"
    assert read(iso_first).published == "2020-05-02"  # a timestamp is preferred over a date written out


def test_date_in_the_page_address() -> None:
    canonical = '<link rel="canonical" href="https://example.org/world/2015/03/18/museum-attack.html">'
    assert read(canonical).published == "2015-03-18"
    assert read('<link rel="canonical" href="https://example.org/2015/13/45/x">').published is None
    page = "<html><body><article>" + PROSE + "</article></body></html>"
    assert analyse(page, url="https://example.org/news/2019/07/08/budget").article.published == "2019-07-08"


def analyse(html: str, *, fast: bool = False, url: str | None = None) -> factsift.Report:
    return factsift.analyse(html=html, url=url, stages=(), fast=fast)


def test_dateline_of_the_extracted_text_dates_the_page() -> None:
    byline = "<h1>Harbour vote</h1><p>Tuesday 15 October 2019 by Mara Quill</p>"
    report = analyse("<html><body><article>" + byline + PROSE + "</article></body></html>")
    assert report.article.published == "2019-10-15"
    assert "Tuesday 15 October 2019 by Mara Quill" in report.article.text  # read, not removed
    opening = "<p>April 17, 2015 -- The council approved the harbour budget after a long and heated debate.</p>"
    assert analyse("<html><body><article>" + opening + PROSE + "</article></body></html>").article.published == (
        "2015-04-17"
    )


def test_dates_in_the_article_text_are_not_taken_for_the_publication_date() -> None:
    """A full-page date search takes a date the story mentions, or a bare year ("since early 2016") as 1 January;
    that would aim coverage's date window at the wrong fortnight, while no date searches all dates."""
    event = "<p>On March 3, 2014, the court ruled against the council in a case about the harbour budget.</p>"
    year_only = "<p>What the council ignored since early 2016 came back to the harbour committee this week.</p>"
    for text in (event, year_only):
        for fast in (False, True):
            html = "<html><body><article>" + text + PROSE + "</article></body></html>"
            assert analyse(html, fast=fast).article.published is None


def test_fast_and_full_analyses_read_the_same_body() -> None:
    html = "<html><head><title>Harbour vote</title></head><body><nav>Home News</nav><article>" + PROSE
    html += "</article><footer>© 2023 Gazette. All rights reserved.</footer></body></html>"
    full, fast = analyse(html), analyse(html, fast=True)
    assert full.article.text == fast.article.text
    assert full.article.text.startswith("The council approved") and "©" not in full.article.text
    assert full.article.kind == "article"


def test_author_from_json_ld_escapes_or_the_texts_byline() -> None:
    json_ld = '<script type="application/ld+json">{"author": {"name": "Ale\\u0161 V\\u00e1vra"}}</script>'
    assert read(json_ld).author == "Aleš Vávra"
    assert read("<meta name='author' content='By Corey Kilgannon'>").author == "Corey Kilgannon"
    byline = "<h1>Harbour vote</h1><p>By Mara Quill</p>"
    report = analyse("<html><body><article>" + byline + PROSE + "</article></body></html>")
    assert report.article.author == "Mara Quill" and "By Mara Quill" in report.article.text  # read, not removed
    assert analyse("<html><body><article>" + PROSE + "</article></body></html>").article.author is None


def test_a_bylines_name_ends_at_its_date() -> None:
    for line, name in (
        ("By Gillian Mohney March 11, 2015 3:46 PM Good Morning America", "Gillian Mohney"),
        ("Posted by kovarex, TOGos on 2019-02-15, all posts", "kovarex, TOGos"),
        ("By May Chen", "May Chen"),
    ):
        html = f"<html><body><article><h1>Harbour vote</h1><p>{line}</p>{PROSE}</article></body></html>"
        assert analyse(html).article.author == name


DATE_PIECES = [
    "05/29/2007",
    "31/02/2020",
    "13/13/2013",
    "Sep 31 2021",
    "/2015/02/30/",
    "/2016/02/29/",
    "2024-13-01",
    "May 1, 2020",
]


@settings(max_examples=200)
@given(value=st.lists(st.one_of(st.sampled_from(DATE_PIECES), st.text(max_size=12)), max_size=4).map(" ".join))
def test_date_readers_give_a_real_day_or_nothing(value: str) -> None:
    for reader in (written_date, url_date):
        found = reader(value)
        assert found is None or date.fromisoformat(found).isoformat() == found


@settings(max_examples=100)
@given(raw=st.text(max_size=40))
def test_json_ld_author_escapes_never_fail(raw: str) -> None:
    script = '<script type="application/ld+json">{"author": {"name": "' + raw.replace('"', "") + '"}}</script>'
    author = read(script).author
    assert author is None or isinstance(author, str)
