"""Recurring claims: for each imported fact-check, the watched articles whose claims matched it, per day.

A claim debunked last month that comes back today is what a fact-checker most wants to hear of; this
module turns the archive's fact-check matches into one series per fact-check (``factsift factchecks
trends`` and ``/trends``).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta

from factsift.options import StoreUrl
from factsift.watch.store import ArchiveStore


@dataclass
class TrendArticle:
    """A watched article that matched the fact-check."""

    id: str
    url: str
    title: str | None
    outlet: str | None
    outlet_label: str | None
    day: str
    score: float


@dataclass
class Trend:
    """One fact-check's matches over time."""

    review_id: str
    claim: str | None
    verdict: str | None
    publisher: str | None
    url: str | None
    matches: int
    first_seen: str
    last_seen: str
    per_day: list[tuple[str, int]] = field(default_factory=list)
    articles: list[TrendArticle] = field(default_factory=list)


def _day(moment: float) -> str:
    """The UTC day of a Unix time."""
    return datetime.fromtimestamp(moment, UTC).date().isoformat()


def _days(first: str, last: str, counts: Counter[str]) -> list[tuple[str, int]]:
    """Every day from ``first`` to ``last`` with its count (zero days included, for the chart)."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    span = (end - start).days
    return [
        ((start + timedelta(days=d)).isoformat(), counts[(start + timedelta(days=d)).isoformat()])
        for d in range(span + 1)
    ]


def build_trends(store: ArchiveStore, factcheck_db: StoreUrl, *, since_seconds: float | None = None) -> list[Trend]:
    """Every fact-check with matches (since ``since_seconds`` ago, or ever), most matched first."""
    from factsift.factchecks.store import open_store

    since = time.time() - since_seconds if since_seconds is not None else 0.0
    by_review: dict[str, list[tuple[str, float, float]]] = {}
    for review_id, article, fetched, score in store.matches(since):
        by_review.setdefault(review_id, []).append((article, fetched, score))
    if not by_review:
        return []
    reviews_store = open_store(factcheck_db)
    try:
        reviews = reviews_store.get(list(by_review))
    finally:
        reviews_store.close()
    rows = store.article_rows([a for matches in by_review.values() for a, _, _ in matches])
    trends = []
    for review_id, matches in by_review.items():
        review = reviews.get(review_id)
        counts = Counter(_day(fetched) for _, fetched, _ in matches)
        first, last = min(counts), max(counts)
        articles = [
            TrendArticle(article, *rows[article], day=_day(fetched), score=score)
            for article, fetched, score in reversed(matches)
            if article in rows
        ]
        trends.append(
            Trend(
                review_id=review_id,
                claim=review.claim_reviewed if review else None,
                verdict=review.verdict if review else None,
                publisher=review.publisher if review else None,
                url=review.url if review else None,
                matches=len(matches),
                first_seen=first,
                last_seen=last,
                per_day=_days(first, last, counts),
                articles=articles,
            )
        )
    trends.sort(key=lambda t: (-t.matches, t.last_seen, t.review_id))
    return trends


def render_trends(trends: list[Trend], fmt: str) -> str:
    """Trends as text or JSON."""
    if fmt == "json":
        return json.dumps([asdict(t) for t in trends], ensure_ascii=False, indent=2) + "\n"
    if not trends:
        return "No watched article has matched an imported fact-check yet.\n"
    lines = []
    for trend in trends:
        lines.append(f"{trend.matches:>4}  {trend.verdict or '?':<12} {trend.claim or trend.review_id}")
        lines.append(f"      {trend.first_seen} … {trend.last_seen}  ({trend.publisher or 'unknown publisher'})")
        recent = [f"{day}:{count}" for day, count in trend.per_day[-7:] if count]
        if recent:
            lines.append(f"      last days: {' '.join(recent)}")
    return "\n".join(lines) + "\n"
