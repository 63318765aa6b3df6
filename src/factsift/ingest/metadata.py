"""Page metadata (headline, site name, author, date, language, address) read once from an HTML page's tags.

Read from the tree the body extractor already parsed: ``<meta>`` tags (Open Graph, Dublin Core,
``article:``, ``itemprop``), JSON-LD, ``<title>``, the first ``<h1>``, ``<time datetime>`` and
``<html lang>``, and a date in the page's address.  When none of these gives a date, the caller reads
the dateline of the extracted text (:func:`factsift.ingest.furniture.clean_text`).  No full-page date
search (htmldate) runs: on the real pages of ``bench/ingest.py`` whose tags give no date, its
full-text search cost about 12 ms a page and gave 8 wrong dates of 31 (a linked post's date, a
founding date, a ticket number read as a date, day and month swapped), and its markup search alone,
run after the dateline, added as many wrong dates as right ones (4 and 4; ``bench/data/real_page_dates.json``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from html import unescape

from resiliparse.parse.html import DocumentNode, HTMLTree

from factsift.ingest.furniture import parse_date

#: Meta keys giving the publication date, best first.
DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "dcterms.date",
    "date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "og:updated_time",
    "article:modified_time",
)
#: A longer <h1> is not a headline (an unclosed tag swallowed the page).
MAX_TITLE_WORDS = 30
_META = re.compile(r"<meta\s[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-([01]\d)-([0-3]\d)")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/([01]\d)/([0-3]\d)(?:/|$)")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d\d)\b")
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_JSON_LD_AUTHOR = re.compile(r'"author"\s*:\s*(?:\[\s*)?\{[^{}]*?"name"\s*:\s*"([^"]{2,80})"')
_JSON_LD_PUBLISHER = re.compile(r'"publisher"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"]{2,80})"')
_BY = re.compile(r"^by\s+", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—:»·]|-{1,2})\s+")
_URL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^/@]*@)?([^/:?#]+)", re.I)


@dataclass
class PageMetadata:
    """What the page's tags say about the article."""

    title: str | None = None
    site_name: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    hostname: str | None = None


def _meta_tags(html: str) -> dict[str, str]:
    """Every ``<meta>`` key (property, name or itemprop, lower case) with its first non-empty content.

    Read with a regular expression over the page source: several times cheaper than walking the tree.
    """
    tags: dict[str, str] = {}
    for tag in _META.findall(html):
        attributes = {name.lower(): value.strip("\"'") for name, value in _ATTRIBUTE.findall(tag)}  # quotes removed
        key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
        content = " ".join(unescape(attributes.get("content", "")).split())
        if key and content:
            tags.setdefault(key.strip().lower(), content)
    return tags


def _json_string(raw: str) -> str:
    """A JSON string's text with its escapes (``\\u0161``) read, or as written when it is not valid JSON."""
    try:
        text = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return text if isinstance(text, str) else raw


def iso_date(value: str | None) -> str | None:
    """The YYYY-MM-DD date a timestamp starts with, or None (also for a day no calendar has: 2024-13-01)."""
    match = _ISO_DATE.search(value or "")
    return _real_day(*match.groups()) if match else None


def _real_day(year: str, month: str, day: str) -> str | None:
    """The ISO date of that day, or None when no calendar has it."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def written_date(value: str | None) -> str | None:
    """The date a tag's value gives in any common writing (ISO, "May 29, 2007", "05/29/2007"), or None.

    A numeric day and month are read only when one of them is over 12: "03/09/2015" could be either.
    """
    found = iso_date(value) or parse_date(value or "")
    if found or not value:
        return found
    numeric = _NUMERIC_DATE.search(value)
    if numeric is None:
        return None
    first, second, year = (int(part) for part in numeric.groups())
    month, day = (first, second) if second > 12 >= first else (second, first) if first > 12 >= second else (0, 0)
    return _real_day(str(year), str(month), str(day))


def url_date(address: str | None) -> str | None:
    """The date a page's address gives in its path (``/2015/03/18/``), or None."""
    match = _URL_DATE.search(address or "")
    return _real_day(*match.groups()) if match else None


def _tag_date(tags: dict[str, str], scripts: str, document: DocumentNode) -> str | None:
    """The publication date the page's tags give, ISO timestamps first, then dates written out, or None."""
    published = next((iso_date(tags[key]) for key in DATE_KEYS if iso_date(tags.get(key))), None)
    json_date = _JSON_LD_DATE.search(scripts)
    if published is None:
        time_element = document.query_selector("time[datetime]")
        published = iso_date(json_date.group(1) if json_date else None) or iso_date(
            time_element.getattr("datetime") if time_element is not None else None
        )
    if published is None:  # no ISO timestamp: the same tags written otherwise, then an itemprop on any element
        published = next((written_date(tags[key]) for key in DATE_KEYS if written_date(tags.get(key))), None)
        published = published or written_date(json_date.group(1) if json_date else None)
    if published is None:
        element = document.query_selector('[itemprop="datePublished"]')
        if element is not None:
            published = written_date(
                element.getattr("content") or element.getattr("datetime") or element.getattr("title")
            )
    return published


def _title(tree: HTMLTree, document: DocumentNode, tags: dict[str, str], site_name: str | None) -> str | None:
    """og:title; else the first <h1> when <title> repeats it; else <title> without its site-name part."""
    title = tags.get("og:title") or tags.get("twitter:title")
    if title:
        return title
    heading = document.query_selector("h1")
    text = " ".join((heading.text or "").split()) if heading is not None else ""
    text = text if 2 <= len(text.split()) <= MAX_TITLE_WORDS else ""
    page_title = " ".join((tree.title or "").split())
    if text and (not page_title or text.casefold() in page_title.casefold()):
        return text
    parts = [p for p in _TITLE_SEPARATORS.split(page_title) if p]
    if len(parts) > 1:
        named = [p for p in parts if not site_name or p.casefold() != site_name.casefold()]
        return max(named or parts, key=len)
    return page_title or text or None


def page_metadata(tree: HTMLTree, html: str) -> PageMetadata:
    """The page's metadata from its tags and address."""
    tags = _meta_tags(html)
    document = tree.document
    if document is None:
        return PageMetadata()
    scripts = " ".join(s.text or "" for s in document.query_selector_all('script[type="application/ld+json"]'))
    publisher = _JSON_LD_PUBLISHER.search(scripts)
    site_name = (
        tags.get("og:site_name")
        or tags.get("application-name")
        or (_json_string(publisher.group(1)) if publisher else None)
    )
    author = tags.get("author") or tags.get("article:author") or tags.get("byl") or tags.get("dc.creator")
    if author and author.startswith("http"):
        author = None
    if not author:
        found = _JSON_LD_AUTHOR.search(scripts)
        author = _json_string(found.group(1)) if found else None
    author = _BY.sub("", author) if author else None
    published = _tag_date(tags, scripts, document)
    root = document.query_selector("html")
    declared = (root.getattr("lang") if root is not None else None) or tags.get("og:locale") or ""
    language = re.split(r"[-_]", declared.strip(), maxsplit=1)[0].lower()
    address = tags.get("og:url") or next(
        (link.getattr("href") for link in document.query_selector_all('link[rel="canonical"]')), None
    )
    host = _URL_HOST.match(address or "")
    published = published or url_date(address)
    return PageMetadata(
        title=_title(tree, document, tags, site_name),
        site_name=site_name,
        author=author,
        published=published,
        language=language if 2 <= len(language) <= 3 and language.isalpha() else None,
        hostname=host.group(1).lower().removeprefix("www.") if host else None,
    )
