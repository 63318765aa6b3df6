"""Canonical URLs fold the spellings of one page and keep different pages apart."""

from __future__ import annotations

import pytest

from factsift.watch.urls import canonical_url

SAME = [
    (
        "http://www.example.com/news/story?utm_source=rss&utm_medium=feed",
        "https://example.com/news/story",
    ),
    ("https://example.com/news/story/amp/", "https://example.com/news/story"),
    ("https://amp.example.com/news/story", "https://example.com/news/story"),
    ("https://example.com/amp/news/story", "https://example.com/news/story"),
    ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
    ("https://EXAMPLE.com:443/news/story#comments", "https://example.com/news/story"),
    ("https://example.com/news?b=2&a=1&fbclid=XYZ", "https://example.com/news?a=1&b=2"),
]


@pytest.mark.parametrize(("url", "expected"), SAME)
def test_spellings_of_one_page_meet(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_different_pages_stay_apart() -> None:
    urls = [
        "https://example.com/news/story?id=1",
        "https://example.com/news/story?id=2",
        "https://example.org/news/story",
        "https://example.com/news/story-2",
        "https://example.com:8080/news/story",
    ]
    assert len({canonical_url(u) for u in urls}) == len(urls)
