"""Outlet reliability from open, citable ratings (SIFT: Investigate the source).

``rate("nytimes.com")`` or ``rate_outlet(report)``: the outlet's domain, name, 0–1 score,
label (reliable / mixed / unreliable / unrated), percentile, each rater's own value, and the
citation of every table consulted.
"""

from __future__ import annotations

from factsift.sources.domains import MalformedDomain, parse_host
from factsift.sources.lookup import RELIABLE_AT, UNRELIABLE_BELOW, label_for
from factsift.sources.outlet import rate, rate_outlet
from factsift.sources.table import ratings_table

__all__ = [
    "RELIABLE_AT",
    "UNRELIABLE_BELOW",
    "MalformedDomain",
    "label_for",
    "parse_host",
    "rate",
    "rate_outlet",
    "ratings_table",
]
