"""The watcher's pages in ``factsift serve``: ``/watch`` (feeds, items, alerts), ``/digest`` and ``/trends``.

They read the same store the watcher writes; charts are inline SVG drawn here (no script, no request).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import BaseLoader, ChoiceLoader, PackageLoader
from markupsafe import Markup

from factsift.errors import InputError
from factsift.watch.config import parse_duration
from factsift.watch.digest import build_digest
from factsift.watch.store import ArchiveStore, open_archive
from factsift.watch.svg import bar_chart
from factsift.watch.trends import build_trends
from factsift.web import pages

router = APIRouter(include_in_schema=False)


def _moment(value: float | None) -> str:
    """A Unix time as a short UTC date and time."""
    if not value:
        return "—"
    return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M UTC")


@cache
def templates() -> Jinja2Templates:
    """The web app's template environment (autoescaping, filters, ``base.html``) with the watch templates added."""
    base = pages.templates().env
    loaders: list[BaseLoader] = [PackageLoader("factsift.watch", "templates")]
    if base.loader is not None:
        loaders.append(base.loader)
    env = base.overlay(loader=ChoiceLoader(loaders))
    env.filters["moment"] = _moment
    return Jinja2Templates(env=env)


@contextmanager
def _store(request: Request) -> Iterator[ArchiveStore]:
    """The archive store of the server's database, for one request."""
    store = open_archive(request.app.state.settings.db)
    try:
        yield store
    finally:
        store.close()


def _since(value: str, default: str) -> float:
    """A period from the query string (the default when it is not a duration)."""
    try:
        return parse_duration(value or default, "since")
    except InputError:
        return parse_duration(default, "since")


@router.get("/watch", response_class=HTMLResponse)
def watch_page(request: Request) -> Response:
    """Feeds with their last poll and errors, today's items by state, and the latest alerts."""
    with _store(request) as store:
        feeds = store.feeds()
        counts = store.item_counts(time.time() - 86400)
        alerts = store.alerts(50)
    context = {"feeds": feeds, "counts": counts, "alerts": alerts}
    return templates().TemplateResponse(request, "watch.html", context)


@router.get("/digest", response_class=HTMLResponse)
def digest_page(request: Request, since: str = "24h") -> Response:
    """The period's most check-worthy claims by topic."""
    with _store(request) as store:
        digest = build_digest(store, since_seconds=_since(since, "24h"))
    return templates().TemplateResponse(request, "digest.html", {"digest": digest, "since": since})


@router.get("/trends", response_class=HTMLResponse)
def trends_page(request: Request) -> Response:
    """Every fact-check that watched articles matched, with matches per day."""
    with _store(request) as store:
        trends = build_trends(store, request.app.state.settings.db)
    charts = {t.review_id: Markup(bar_chart(t.per_day, height=60, width=320, title="matches per day")) for t in trends}
    return templates().TemplateResponse(request, "trends.html", {"trends": trends, "charts": charts})


@router.get("/trends/{review_id}", response_class=HTMLResponse)
def trend_page(request: Request, review_id: str) -> Response:
    """One fact-check: the watched articles that repeated its claim, and a chart of matches per day."""
    with _store(request) as store:
        trend = next((t for t in build_trends(store, request.app.state.settings.db) if t.review_id == review_id), None)
    if trend is None:
        return pages.not_found_page(request, "No watched article has matched this fact-check.")
    chart = Markup(bar_chart(trend.per_day, title="matches per day"))
    return templates().TemplateResponse(request, "trend.html", {"trend": trend, "chart": chart})
