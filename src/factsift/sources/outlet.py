"""Rate the outlet of an analysed article, from its URL, its page metadata or its own text."""

from __future__ import annotations

from pathlib import Path

from factsift.model import Report, SourceRating
from factsift.sources import lookup
from factsift.sources.domains import MalformedDomain, parse_host
from factsift.sources.names import domain_for_name
from factsift.sources.table import RatingsTable, ratings_table


def rate(domain_or_url: str, ratings: Path | None = None) -> SourceRating:
    """Rate a domain or URL against the shipped table (and ``ratings``, a user file, when given).

    Raises :class:`factsift.sources.MalformedDomain` (an ``InputError``) when the text names no domain.
    """
    return lookup.rate(domain_or_url, ratings_table(ratings))


def _rate_name(table: RatingsTable, name: str, found_in: str | None) -> SourceRating:
    domain = domain_for_name(table, name)
    if domain is None:
        return lookup.unrated(table, None, name, f"no rated outlet is known by the name {name!r}")
    entry = table.entries[domain]
    rating = lookup.rating_from_entry(table, entry, "text" if found_in == "text" else "name", None, name)
    where = {"text": "the article text", "html": "the page metadata"}.get(found_in or "", "the article")
    matched = f"matched by the outlet name {name!r} found in {where}; no URL was given, so confirm the publisher"
    rating.note = f"{matched}; {rating.note}" if rating.note else matched
    return rating


def rate_outlet(report: Report, table: RatingsTable) -> SourceRating:
    """The rating of the report's outlet: by its domain or URL if known, else by its name."""
    outlet = report.article.outlet
    for address in (outlet.domain, report.input.url):
        if not address:
            continue
        try:
            host = parse_host(address)
        except MalformedDomain:
            continue
        return lookup.rate_host(table, host, outlet.name)
    if outlet.name:
        return _rate_name(table, outlet.name, outlet.found_in)
    return lookup.unrated(table, None, None, "no outlet found: no URL, and the text does not name its publisher")
