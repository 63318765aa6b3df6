"""What the archive keeps of an analysed report: outlet, reliability, date, title, text and its top claims.

:func:`kept_article` turns a :class:`~factsift.model.Report` (or its JSON form, as ``factsift check --format
json``, ``factsift batch`` and the web app write it) into a :class:`~factsift.archive.store.KeptArticle`
without analysing anything again.  The id is stable: the canonical URL's (the watcher's item id, so one page
read twice, or under another spelling, is one article), else a digest of outlet, title and text.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from factsift.archive.store import MAX_CLAIMS, KeptArticle
from factsift.errors import InputError
from factsift.ingest.outlet import host_of
from factsift.model import Report
from factsift.watch.urls import canonical_url

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def url_article_id(url: str) -> str:
    """The id of the article at ``url``: a digest of its canonical URL (the watcher's ``article_id`` too)."""
    return digest_id(canonical_url(url))


def content_article_id(outlet: str | None, title: str | None, text: str) -> str:
    """The id of an article known by no URL: a digest of its outlet, title and text."""
    return digest_id(json.dumps([outlet, title, text], ensure_ascii=False))


def digest_id(key: str) -> str:
    """16 URL-safe characters of the SHA-256 of ``key``."""
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()[:12]).decode()


def iso_day(value: object) -> str | None:
    """The ``YYYY-MM-DD`` a date or timestamp starts with (a real calendar day), else None."""
    match = _ISO_DAY.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    return match.group(0) if 1 <= month <= 12 and 1 <= day <= 31 and year >= 1 else None


def _table(value: object) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one (a section the report does not have)."""
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    """``value`` stripped when it is a non-blank string, else None."""
    return value.strip() or None if isinstance(value, str) else None


def outlet_of(report: Mapping[str, Any]) -> str | None:
    """The outlet's key: the rated domain, else the article's domain, else the URL's host, else a name.

    The same report always gives the same key, so "another outlet" means a different key.
    """
    source, outlet = _table(report.get("source")), _table(_table(report.get("article")).get("outlet"))
    url = _text(_table(report.get("input")).get("url"))
    host = host_of(url) or ""
    for candidate in (source.get("domain"), outlet.get("domain"), host, source.get("name"), outlet.get("name")):
        found = _text(candidate)
        if found:
            return found.lower() if "." in found and " " not in found else found
    return None


def top_claims(report: Mapping[str, Any], limit: int = MAX_CLAIMS) -> tuple[str, ...]:
    """The article's body claims, most check-worthy first (the report's priority, else check-worthiness).

    The headline's own claim is left out (the title is kept beside the claims); repeats are kept once.
    """
    claims = [_table(claim) for claim in report.get("claims") or [] if isinstance(claim, Mapping)]
    body = [c for c in claims if c.get("sentence_id") is not None and _text(c.get("text"))]

    def rank(claim: Mapping[str, Any]) -> float:
        score = claim.get("priority")
        if not isinstance(score, int | float):
            score = claim.get("checkworthiness")
        return -float(score) if isinstance(score, int | float) else 0.0

    chosen: list[str] = []
    for claim in sorted(body, key=rank):
        text = " ".join(str(claim["text"]).split())
        if text not in chosen:
            chosen.append(text)
        if len(chosen) == limit:
            break
    return tuple(chosen)


def kept_article(report: Report | Mapping[str, Any], *, published: str | None = None) -> KeptArticle:
    """What the archive keeps of ``report`` (a Report or its JSON form); ``published`` is the date to use
    when the page gave none (a feed item's).  InputError when it is not an analysed article with text."""
    data: Mapping[str, Any] = report.to_dict() if isinstance(report, Report) else report
    if not isinstance(data, Mapping) or not isinstance(data.get("article"), Mapping):
        raise InputError("not an analysed report: it has no 'article' section")
    article = data["article"]
    text = article.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("the report's article has no text")
    source = _table(data.get("source"))
    label, score = _text(source.get("label")), source.get("score")
    outlet = outlet_of(data)
    title = _text(article.get("title"))
    url = _text(_table(data.get("input")).get("url"))
    return KeptArticle(
        id=url_article_id(url) if url else content_article_id(outlet, title, text),
        url=url,
        outlet=outlet,
        outlet_label=label,
        outlet_score=float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None,
        published=iso_day(article.get("published")) or iso_day(published),
        title=title,
        text=text,
        claims=top_claims(data),
    )
