"""Every feed format the watcher reads, and the errors for what it cannot read."""

from __future__ import annotations

import json

import pytest

from factsift.watch.feeds import FeedError, parse_feed

RSS091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>
<item><title>One</title><link>https://old.example/1</link></item></channel></rss>"""
RSS10 = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example/"><title>RDF</title><link>https://rdf.example/</link></channel>
<item rdf:about="https://rdf.example/1"><title>One</title><link>https://rdf.example/1</link>
<dc:date>2024-12-03T10:00:00Z</dc:date></item></rdf:RDF>"""
RSS20 = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Two</title>
<item><title>One</title><link>https://two.example/1</link><pubDate>Tue, 03 Dec 2024 10:00:00 GMT</pubDate></item>
<item><title>Two</title><link>https://two.example/2</link></item></channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<entry><title>One</title><link href="https://atom.example/1"/><id>urn:1</id><updated>2024-12-03T10:00:00Z</updated></entry>
</feed>"""
SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://map.example/1</loc><lastmod>2024-12-03</lastmod></url></urlset>"""
NEWS_SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://news.example/1</loc>
<news:news><news:publication><news:name>News</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2024-12-03T10:00:00+01:00</news:publication_date><news:title>Headline</news:title></news:news>
</url></urlset>"""
SITEMAP_INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://map.example/a.xml</loc></sitemap><sitemap><loc>https://map.example/b.xml</loc></sitemap>
</sitemapindex>"""
OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
<outline text="News"><outline type="rss" text="A" xmlUrl="https://a.example/feed"/></outline>
<outline type="rss" text="B" xmlUrl="https://b.example/rss"/></body></opml>"""
JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON",
        "items": [
            {"id": "1", "url": "https://json.example/1", "title": "One", "date_published": "2024-12-03T10:00:00Z"}
        ],
    }
).encode()


@pytest.mark.parametrize(
    ("body", "kind", "urls"),
    [
        (RSS091, "rss", ["https://old.example/1"]),
        (RSS10, "rss", ["https://rdf.example/1"]),
        (RSS20, "rss", ["https://two.example/1", "https://two.example/2"]),
        (ATOM, "atom", ["https://atom.example/1"]),
        (JSON_FEED, "jsonfeed", ["https://json.example/1"]),
        (SITEMAP, "sitemap", ["https://map.example/1"]),
        (NEWS_SITEMAP, "sitemap", ["https://news.example/1"]),
    ],
)
def test_each_format_gives_its_items(body: bytes, kind: str, urls: list[str]) -> None:
    parsed = parse_feed(body)
    assert parsed.kind == kind
    assert [item.url for item in parsed.items] == urls


def test_dates_and_titles_are_read() -> None:
    assert parse_feed(RSS20).items[0].published == "2024-12-03T10:00:00Z"
    news = parse_feed(NEWS_SITEMAP).items[0]
    assert news.title == "Headline" and news.published == "2024-12-03T09:00:00Z"
    assert parse_feed(JSON_FEED).items[0].title == "One"


def test_indexes_and_opml_point_to_feeds() -> None:
    assert parse_feed(SITEMAP_INDEX).feeds == ["https://map.example/a.xml", "https://map.example/b.xml"]
    opml = parse_feed(OPML)
    assert opml.kind == "opml" and opml.feeds == ["https://a.example/feed", "https://b.example/rss"]


def test_broken_feed_keeps_what_it_can_read_and_says_so() -> None:
    cut = RSS20.replace(b"</channel></rss>", b"<item><title>cut")
    parsed = parse_feed(cut)
    assert [i.url for i in parsed.items] == ["https://two.example/1", "https://two.example/2"]
    assert parsed.warning is not None and "malformed" in parsed.warning


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"<rss><channel><item><title>cut", "malformed"),
        (b"<html><body>Not a feed</body></html>", "not an RSS"),
        (b'{"items": []}', "not a JSON Feed"),
        (b"{broken", "not valid JSON"),
    ],
)
def test_what_is_not_a_feed_is_a_clear_error(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(body)


def test_entities_are_not_expanded_in_sitemaps() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/&b;</loc></url></urlset>'
    )
    parsed = parse_feed(bomb)
    assert all("aaaaaaaaaa" not in item.url for item in parsed.items)
