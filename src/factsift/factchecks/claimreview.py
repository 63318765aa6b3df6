"""schema.org ClaimReview <-> :class:`Review`: read one JSON-LD object, find them in documents, write them back.

Reads ``claimReviewed``, ``reviewRating`` (``alternateName``/``name``, ``ratingValue``, ``bestRating``,
``worstRating``), ``author`` (the publisher), ``datePublished``, ``url``, ``itemReviewed.author`` (the
claimant), ``itemReviewed.datePublished`` (when the claim was made) and ``inLanguage``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from factsift.factchecks.records import RecordError, Review, derive_id
from factsift.factchecks.verdicts import normalise_verdict
from factsift.ingest.furniture import parse_date

MAX_CLAIM_CHARS = 5000
_ISO_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def is_type(node: Any, name: str) -> bool:
    """Whether a JSON-LD node has ``@type`` ``name`` (also ``schema:name``, full IRIs and type lists)."""
    if not isinstance(node, dict):
        return False
    types = node.get("@type", node.get("type"))
    values = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and re.split(r"[/:#]", t)[-1] == name for t in values)


def _text(value: Any, field: str) -> str | None:
    """A plain string from a JSON-LD value: a string, a number, or a node with a ``name``."""
    if value is None:
        return None
    if isinstance(value, list):
        parts = [p for p in (_text(v, field) for v in value) if p]
        return ", ".join(parts) or None
    if isinstance(value, dict):
        for key in ("name", "alternateName", "@value", "url", "@id"):
            if key in value:
                return _text(value[key], field)
        return None
    if isinstance(value, bool):
        raise RecordError(f"{field} is a boolean, expected text")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        cleaned = " ".join(value.split())
        return cleaned or None
    raise RecordError(f"{field} has an unexpected type {type(value).__name__}")


def _number(value: Any, field: str) -> float | None:
    """A rating number; None for words, infinities and NaN (JSON has no Infinity: exports must stay valid)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(f"{field} is a boolean, expected a number")
    if not isinstance(value, int | float | str):
        raise RecordError(f"{field} has an unexpected type {type(value).__name__}")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        return None  # some feeds put words here; the textual rating still counts
    return number if math.isfinite(number) else None


def normalise_date(value: Any, field: str = "date") -> str | None:
    """An ISO 8601 date (YYYY-MM-DD) from a JSON-LD or CSV date; None when there is no recognisable date."""
    text = _text(value, field)
    if not text:
        return None
    match = _ISO_DATE.match(text)
    if match:
        return match.group(1)
    return parse_date(text)


def normalise_language(value: Any) -> str | None:
    """A lower-case language tag (``en``, ``pt-br``) from ``inLanguage`` (text or a Language node)."""
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    text = _text(value, "inLanguage")
    if not text or not _LANG.match(text):
        return None
    return text.lower().replace("_", "-")


def review_from_fields(
    *,
    record_id: str | None,
    claim: Any,
    rating_text: Any,
    rating_value: Any = None,
    best_rating: Any = None,
    worst_rating: Any = None,
    publisher: Any = None,
    url: Any = None,
    date: Any = None,
    claimant: Any = None,
    claim_date: Any = None,
    language: Any = None,
    title: Any = None,
) -> Review:
    """Validate loose field values (from JSON-LD or CSV) and build a :class:`Review`; raise RecordError if unusable."""
    claim_text = _text(claim, "claimReviewed")
    if not claim_text:
        raise RecordError("claimReviewed is missing or empty")
    if len(claim_text) > MAX_CLAIM_CHARS:
        raise RecordError(f"claimReviewed is longer than {MAX_CLAIM_CHARS} characters")
    rating = _text(rating_text, "reviewRating")
    value = _number(rating_value, "ratingValue")
    best = _number(best_rating, "bestRating")
    worst = _number(worst_rating, "worstRating")
    if rating is None and value is None:
        raise RecordError("reviewRating has neither a textual rating nor a ratingValue")
    url_text = _text(url, "url")
    if url_text is not None and not re.match(r"^(https?://|/)", url_text):
        raise RecordError(f"url is not an http(s) address: {url_text[:80]!r}")
    publisher_text = _text(publisher, "author")
    rid = _text(record_id, "id") or derive_id(url_text, publisher_text, claim_text)
    return Review(
        id=rid,
        claim_reviewed=claim_text,
        verdict=normalise_verdict(rating, value, best, worst),
        rating_text=rating,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        publisher=publisher_text,
        url=url_text,
        date=normalise_date(date, "datePublished"),
        claimant=_text(claimant, "itemReviewed.author"),
        claim_date=normalise_date(claim_date, "itemReviewed.datePublished"),
        language=normalise_language(language),
        title=_title(title),
    )


def _title(value: Any) -> str | None:
    """The review's headline, whitespace collapsed and capped (a title is a line, not an article)."""
    try:
        text = _text(value, "name")
    except RecordError:
        return None  # an optional field: an odd headline does not cost the record
    if not text:
        return None
    text = " ".join(text.split())
    return text[:MAX_CLAIM_CHARS] or None


def review_from_jsonld(node: dict[str, Any]) -> Review:
    """Build a :class:`Review` from one ClaimReview JSON-LD object (raise RecordError when it is unusable)."""
    rating = node.get("reviewRating")
    if isinstance(rating, list):
        rating = rating[0] if rating else None
    if rating is not None and not isinstance(rating, dict):
        rating = {"alternateName": rating}
    rating = rating or {}
    item = node.get("itemReviewed")
    if isinstance(item, list):
        item = item[0] if item else None
    item = item if isinstance(item, dict) else {}
    claim_date = item.get("datePublished")
    if claim_date is None and isinstance(item.get("appearance"), dict):
        claim_date = item["appearance"].get("datePublished")
    record_id = node.get("identifier")
    if record_id is None or isinstance(record_id, dict | list):
        record_id = None
    return review_from_fields(
        record_id=record_id,
        claim=node.get("claimReviewed"),
        rating_text=rating.get("alternateName") or rating.get("name"),
        rating_value=rating.get("ratingValue"),
        best_rating=rating.get("bestRating"),
        worst_rating=rating.get("worstRating"),
        publisher=node.get("author") or node.get("publisher"),
        url=node.get("url"),
        date=node.get("datePublished"),
        claimant=item.get("author"),
        claim_date=claim_date,
        language=node.get("inLanguage"),
        title=node.get("headline") or node.get("name"),
    )


def iter_claimreviews(document: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every ClaimReview candidate in a JSON document, with its position (``[3]``, ``@graph[2]``...).

    Understands single objects, arrays, ``@graph`` and the schema.org ``DataFeed`` wrapper
    (``dataFeedElement`` -> ``DataFeedItem.item``).  Nodes of other types inside a ``@graph`` are
    ordinary companions (publisher, web page) and are passed over; anything else that is not a
    ClaimReview is yielded too, so the caller can report it as a bad record.
    """
    if isinstance(document, list):
        for index, node in enumerate(document):
            yield from iter_claimreviews(node, f"{where}[{index}]")
        return
    if not isinstance(document, dict):
        yield where or "document", document
        return
    if is_type(document, "ClaimReview"):
        yield where or "document", document
        return
    if "@graph" in document:
        graph = document["@graph"]
        nodes = graph if isinstance(graph, list) else [graph]
        for index, node in enumerate(nodes):
            if is_type(node, "ClaimReview") or _is_container(node):
                yield from iter_claimreviews(node, f"{where}@graph[{index}]")
        return
    if "dataFeedElement" in document:
        elements = document["dataFeedElement"]
        elements = elements if isinstance(elements, list) else [elements]
        for index, element in enumerate(elements):
            yield from iter_claimreviews(element, f"{where}dataFeedElement[{index}]")
        return
    if is_type(document, "DataFeedItem") or ("item" in document and "claimReviewed" not in document):
        items = document.get("item")
        items = items if isinstance(items, list) else [items]
        for index, item in enumerate(items):
            yield from iter_claimreviews(item, f"{where}.item[{index}]")
        return
    if "claimReviewed" in document:  # a ClaimReview without @type: accept what clearly is one
        yield where or "document", document
        return
    yield where or "document", document


def _is_container(node: Any) -> bool:
    return isinstance(node, dict) and ("@graph" in node or "dataFeedElement" in node or is_type(node, "DataFeedItem"))


def review_to_jsonld(review: Review) -> dict[str, Any]:
    """The record as a schema.org ClaimReview JSON-LD object (for export and round trips)."""
    rating: dict[str, Any] = {"@type": "Rating"}
    if review.rating_text is not None:
        rating["alternateName"] = review.rating_text
    for key, value in (
        ("ratingValue", review.rating_value),
        ("bestRating", review.best_rating),
        ("worstRating", review.worst_rating),
    ):
        if value is not None:
            rating[key] = int(value) if float(value).is_integer() else value
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": review.id,
        "claimReviewed": review.claim_reviewed,
        "reviewRating": rating,
    }
    if review.title:
        node["headline"] = review.title
    if review.url:
        node["url"] = review.url
    if review.publisher:
        node["author"] = {"@type": "Organization", "name": review.publisher}
    if review.date:
        node["datePublished"] = review.date
    if review.language:
        node["inLanguage"] = review.language
    item: dict[str, Any] = {"@type": "Claim"}
    if review.claimant:
        item["author"] = {"@type": "Thing", "name": review.claimant}
    if review.claim_date:
        item["datePublished"] = review.claim_date
    if len(item) > 1:
        node["itemReviewed"] = item
    return node
