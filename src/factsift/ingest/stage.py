"""The ingest stage: whatever the user gave in, a ``Report`` with a clean ``Article`` out."""

from __future__ import annotations

import re
from pathlib import Path

from factsift.errors import InputError
from factsift.ingest.extract import extract_html
from factsift.ingest.fetch import fetch, validate_url
from factsift.ingest.furniture import clean_text, keep_whole, only_furniture
from factsift.ingest.kinds import text_kind
from factsift.ingest.language import detect_language
from factsift.ingest.loading import LoadedInput, load_local, read_file, read_stdin
from factsift.ingest.outlet import host_of, outlet_from_text
from factsift.ingest.sentences import split_sentences
from factsift.model import Article, InputInfo, Outlet, Report
from factsift.options import Options

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def article_from_text(text: str) -> Article:
    """Build an article from plain text: furniture removed, headline, outlet, byline and date found.

    A short text or a transcript (see :mod:`factsift.ingest.kinds`) is kept whole: all of it is the body.
    """
    if only_furniture(text):
        raise InputError("no article text: the input is only page furniture (share, follow or comment lines)")
    kind = text_kind(text)
    cleaned = clean_text(text, find_header=True) if kind == "article" else None
    if cleaned is None or not cleaned.text.strip():  # nothing left once furniture is gone: keep it all
        body = keep_whole(text)
        name = outlet_from_text(body, None)  # "as The Gateway Pundit reported": a short text may name its outlet too
        return Article(
            text=body,
            outlet=Outlet(name=name, domain=None, found_in="text" if name else None),
            language=detect_language(body),
            kind="short" if kind == "article" else kind,
        )
    name = outlet_from_text(cleaned.text, cleaned.site_name)
    return Article(
        text=cleaned.text,
        title=cleaned.title,
        outlet=Outlet(name=name, domain=None, found_in="text" if name else None),
        author=cleaned.author,
        published=cleaned.published,
        language=detect_language(cleaned.text),
        removed=cleaned.removed,
    )


def _load(
    source: str | None,
    url: str | None,
    html: str | bytes | None,
    text: str | bytes | None,
    options: Options,
) -> tuple[LoadedInput, InputInfo]:
    page_url = None
    if url is not None and (html is not None or text is not None):
        page_url, url = url, None  # content given with its address: the URL names the page, it is not fetched
    given = [
        name for name, value in (("source", source), ("url", url), ("html", html), ("text", text)) if value is not None
    ]
    if len(given) != 1:
        raise InputError(
            "give exactly one input: a source (URL, path or '-'), url=, html= or text="
            + (f" (got {', '.join(given)})" if given else "")
        )
    if source is not None and _URL.match(source):
        url, source = source, None
    if url is not None:
        page = fetch(
            url,
            allow_private=options.allow_private,
            timeout=options.fetch_timeout,
            max_bytes=options.max_fetch_bytes,
            user_agent=options.user_agent,
        )
        as_kind = options.as_kind or ("text" if page.content_type == "text/plain" else "html")
        loaded = load_local(page.body, as_kind=as_kind, declared=page.charset)
        return loaded, InputInfo(kind="url", url=page.url)
    if source is not None:
        if source == "-":
            data = read_stdin(max_bytes=options.max_file_bytes)
            loaded = load_local(data, as_kind=options.as_kind)
        else:
            path = Path(source)
            loaded = load_local(read_file(path, max_bytes=options.max_file_bytes), as_kind=options.as_kind, path=path)
        return loaded, InputInfo(kind="html" if loaded.is_html else "text", path=loaded.path)
    content = html if html is not None else text
    assert content is not None
    limit = options.max_file_bytes
    if len(content) > limit:
        raise InputError(f"the input is larger than the {limit // (1024 * 1024)} MB limit")
    as_kind = options.as_kind or ("html" if html is not None else "text")
    loaded = load_local(content, as_kind=as_kind)
    if page_url is not None:
        validate_url(page_url)
    return loaded, InputInfo(kind="html" if loaded.is_html else "text", url=page_url)


def ingest(
    source: str | None = None,
    *,
    url: str | None = None,
    html: str | bytes | None = None,
    text: str | bytes | None = None,
    options: Options | None = None,
) -> Report:
    """Load, extract, clean and sentence-split one article into a new ``Report``."""
    options = options or Options()
    loaded, info = _load(source, url, html, text, options)
    if loaded.is_html:
        article, _ = extract_html(loaded.content, url=info.url)
    else:
        article = article_from_text(loaded.content)
        if info.url:
            article.outlet.domain = host_of(info.url)
            article.outlet.found_in = "url"
    article.sentences = split_sentences(article.text)
    return Report(input=info, article=article)
