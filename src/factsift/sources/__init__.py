"""Outlet reliability from open, citable ratings (SIFT: Investigate the source).

``rate("nytimes.com")`` or ``rate_outlet(report)``: the outlet's domain, name, 0–1 score,
label (reliable / mixed / unreliable / unrated), percentile, each rater's own value, and the
citation of every table consulted.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factsift.sources.domains import MalformedDomain, parse_host
    from factsift.sources.lookup import RELIABLE_AT, UNRELIABLE_BELOW, label_for
    from factsift.sources.outlet import rate, rate_outlet
    from factsift.sources.table import ratings_table

_HOMES = {
    "MalformedDomain": "domains",
    "parse_host": "domains",
    "RELIABLE_AT": "lookup",
    "UNRELIABLE_BELOW": "lookup",
    "label_for": "lookup",
    "rate": "outlet",
    "rate_outlet": "outlet",
    "ratings_table": "table",
}

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


def __getattr__(name: str) -> Any:
    """The public names, imported on first use: the domain parser loads tldextract (a third of a second),
    which commands that never rate an outlet do not need."""
    if name in _HOMES:
        return getattr(importlib.import_module(f"factsift.sources.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
