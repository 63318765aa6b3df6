"""Read a feed's bytes into items: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed, XML sitemaps,
news sitemaps, sitemap indexes and OPML lists of feeds.

Sitemaps and OPML are read with a hardened lxml parser (no entities, no network, no huge trees);
feedparser handles the many dialects of RSS and Atom. A document that yields items is kept even
when slightly malformed; one that is malformed and yields nothing is an error, never an empty feed.
"""

from __future__ import annotations

import calendar
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from lxml import etree

from factsift.errors import InputError

FeedKind = Literal["rss", "atom", "jsonfeed", "sitemap", "sitemapindex", "opml"]

#: Media types a feed may be served as (besides the HTML/text ones fetch accepts anyway).
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/json",
    "application/feed+json",
    "text/x-opml",
    "text/x-opml+xml",
    "application/octet-stream",
    "text/plain",
    "text/html",
)

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)


class FeedError(InputError):
    """A document that is not a feed factsift can read."""


@dataclass(frozen=True)
class FeedItem:
    """One article a feed lists: its link, and what the feed says of it."""

    url: str
    title: str | None = None
    published: str | None = None


@dataclass
class ParsedFeed:
    """What one feed document holds: its items, and the feeds it points to (sitemap index, OPML)."""

    kind: FeedKind
    title: str | None = None
    items: list[FeedItem] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    warning: str | None = None


def _iso(value: Any) -> str | None:
    """A date from a feed as ISO 8601 UTC text, or None."""
    if value is None:
        return None
    if isinstance(value, time.struct_time):
        return datetime.fromtimestamp(calendar.timegm(value), UTC).isoformat().replace("+00:00", "Z")
    text = str(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _local(tag: object) -> str:
    """An XML tag without its namespace, lower-cased."""
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element: Any, name: str) -> str | None:
    """The text of the first descendant called ``name``."""
    for child in element.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return str(child.text).strip()
    return None


def _parse_sitemap(root: Any) -> ParsedFeed:
    """A sitemap's URLs as items, or a sitemap index's sitemaps as feeds."""
    kind: FeedKind = "sitemapindex" if _local(root.tag) == "sitemapindex" else "sitemap"
    parsed = ParsedFeed(kind=kind)
    for entry in root:
        if _local(entry.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(entry, "loc")
        if not loc:
            continue
        if kind == "sitemapindex":
            parsed.feeds.append(loc)
            continue
        published = _child_text(entry, "publication_date") or _child_text(entry, "lastmod")
        parsed.items.append(FeedItem(url=loc, title=_child_text(entry, "title"), published=_iso(published)))
    return parsed


def _parse_opml(root: Any) -> ParsedFeed:
    """The feed URLs an OPML list names."""
    parsed = ParsedFeed(kind="opml", title=_child_text(root, "title"))
    for outline in root.iter():
        if _local(outline.tag) == "outline":
            url = outline.get("xmlUrl") or outline.get("xmlurl")
            if url and url.strip():
                parsed.feeds.append(url.strip())
    return parsed


def _parse_json_feed(body: bytes) -> ParsedFeed:
    """A JSON Feed (1.0 or 1.1)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise FeedError("a JSON document that is not a JSON Feed (no jsonfeed.org version)")
    parsed = ParsedFeed(kind="jsonfeed", title=data.get("title") if isinstance(data.get("title"), str) else None)
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        url = item.get("url") or item.get("external_url")
        if isinstance(url, str) and url.strip():
            title = item.get("title")
            parsed.items.append(
                FeedItem(url.strip(), title if isinstance(title, str) else None, _iso(item.get("date_published")))
            )
    return parsed


def _parse_syndication(body: bytes) -> ParsedFeed:
    """RSS or Atom, with feedparser."""
    import feedparser

    result = feedparser.parse(body)
    version = str(result.get("version") or "")
    kind: FeedKind = "atom" if version.startswith("atom") else "rss"
    feed_title = result.feed.get("title") if result.get("feed") else None
    parsed = ParsedFeed(kind=kind, title=feed_title)
    for entry in result.entries:
        url = entry.get("link") or entry.get("id")
        if not url or not str(url).startswith(("http://", "https://")):
            continue
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        parsed.items.append(FeedItem(url=str(url).strip(), title=entry.get("title"), published=_iso(published)))
    if result.get("bozo"):
        problem = str(result.get("bozo_exception") or "malformed document")
        if not parsed.items:
            raise FeedError(f"malformed feed with no readable items: {problem}")
        parsed.warning = f"malformed feed, {len(parsed.items)} items read anyway: {problem}"
    elif not version:
        raise FeedError("not an RSS, Atom, JSON Feed, sitemap or OPML document")
    return parsed


def parse_feed(body: bytes) -> ParsedFeed:
    """Parse a feed document of any supported kind; raises :class:`FeedError` for anything else."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise FeedError("the feed is empty")
    if head.startswith((b"{", b"[")):
        return _parse_json_feed(head)
    try:
        root = etree.fromstring(head, parser=_SAFE_XML)
    except etree.XMLSyntaxError:
        root = None  # feedparser reads what it can of a broken RSS/Atom document
    if root is not None:
        name = _local(root.tag)
        if name in ("urlset", "sitemapindex"):
            return _parse_sitemap(root)
        if name == "opml":
            return _parse_opml(root)
    return _parse_syndication(head)
