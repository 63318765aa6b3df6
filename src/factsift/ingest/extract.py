"""Extract the article from an HTML page with trafilatura, then clean what it leaves."""

from __future__ import annotations

import copy
import functools
import re

import trafilatura
from trafilatura.settings import Document, Extractor, set_date_params

from factsift.errors import InputError
from factsift.ingest.furniture import CleanedText, clean_text
from factsift.ingest.language import detect_language
from factsift.ingest.outlet import host_of
from factsift.model import Article, Outlet

_HTML_LANG = re.compile(r"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)


@functools.cache
def _extractor_template(fast: bool) -> Extractor:
    return Extractor(
        output_format="python",  # what bare_extraction() uses when it builds the settings itself
        with_metadata=True,
        comments=False,
        tables=True,
        fast=fast,
        # --fast: dates from the page's metadata, <time> elements and URL only, no free-text scan
        date_params=set_date_params(not fast),
    )


def _extractor(fast: bool, url: str | None) -> Extractor:
    """trafilatura's settings for one page: a copy of the settings made once (building them reads its config
    file's values each time), with the page's URL."""
    options = copy.copy(_extractor_template(fast))
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")  # as Extractor() sets it
    return options


def extract_html(html: str, *, url: str | None = None, fast: bool = False) -> tuple[Article, CleanedText]:
    """Article metadata and cleaned body from an HTML page (``url`` helps resolve the outlet).

    ``fast`` skips trafilatura's fallback extractors and its free-text date search: about half
    the cost on a typical page, for slightly lower recall on unusual layouts.
    """
    try:
        doc = trafilatura.bare_extraction(html, options=_extractor(fast, url))
    except (ValueError, TypeError) as exc:  # lxml rejects some malformed documents
        raise InputError(f"cannot parse the HTML page: {exc}") from exc
    if not isinstance(doc, Document) or not (doc.text or "").strip():
        raise InputError("no article text found in the HTML page")
    cleaned = clean_text(doc.text or "", title=doc.title, find_header=False)
    if not cleaned.text.strip():
        raise InputError("no article text left in the HTML page after removing page furniture")
    lang_match = _HTML_LANG.search(html[:5000])
    language = (lang_match.group(1).lower() if lang_match else None) or doc.language
    domain = host_of(url) or (doc.hostname.lower().removeprefix("www.") if doc.hostname else None)
    article = Article(
        text=cleaned.text,
        title=doc.title or cleaned.title,
        outlet=Outlet(
            name=doc.sitename or None,
            domain=domain,
            found_in="url" if url else ("html" if domain or doc.sitename else None),
        ),
        author=doc.author or None,
        published=doc.date or None,
        language=language or detect_language(cleaned.text),
        removed=cleaned.removed,
    )
    return article, cleaned
