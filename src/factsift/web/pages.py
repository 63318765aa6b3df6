"""The server-rendered web pages: ``/`` (analyse a URL or pasted text) and ``/a/{id}`` (a report)."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache, partial
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader

from factsift import __version__
from factsift.errors import InputError
from factsift.web.analysis import AnalysisRequest, run_analysis_queued
from factsift.web.auth import key_is_valid, presented_key
from factsift.web.settings import ServerSettings
from factsift.web.store import AnalysisStore
from factsift.web.view import build_view

router = APIRouter(include_in_schema=False)

_URL = re.compile(r"^https?://\S+$", re.I)
_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html[\s>])", re.I)
MAX_FORM_CHARS = 2_000_000


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso


@cache
def templates() -> Jinja2Templates:
    """The page templates; autoescaping is always on, so page text can never become markup."""
    env = Environment(
        loader=PackageLoader("factsift.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


def request_from_box(box: str) -> AnalysisRequest:
    """What the single input box holds: a URL, a pasted HTML page, or article text."""
    stripped = box.strip()
    if _URL.match(stripped):
        return AnalysisRequest(url=stripped)
    if _HTML_START.match(stripped):
        return AnalysisRequest(html=box)
    return AnalysisRequest(text=box)


def _index(request: Request, *, error: str | None = None, box: str = "", status: int = 200) -> Response:
    settings: ServerSettings = request.app.state.settings
    store: AnalysisStore = request.app.state.store
    recent, _ = store.list(settings.recent_count)
    context: dict[str, Any] = {
        "recent": recent,
        "error": error,
        "box": box,
        "needs_key": bool(settings.api_keys),
    }
    return templates().TemplateResponse(request, "index.html", context, status_code=status)


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> Response:
    return _index(request)


@router.post("/analyse")
async def analyse_form(request: Request) -> Response:
    """The form on ``/``: analyse what was pasted and show its report (or the form with the error)."""
    settings: ServerSettings = request.app.state.settings
    if request.headers.get("sec-fetch-site") == "cross-site":
        # Another site's page posting here on a visitor's behalf: refuse (a cheap CSRF guard).
        return _index(request, error="This form can only be sent from this site.", status=403)
    form = await request.form(max_fields=10)
    box = form.get("source")
    box = box if isinstance(box, str) else ""
    key = form.get("api_key")
    key = key if isinstance(key, str) and key else presented_key(request.scope)
    if not key_is_valid(key, settings.api_keys):
        return _index(request, error="An API key is needed to analyse on this server.", box=box, status=401)
    if not box.strip():
        return _index(request, error="Paste a link or the article text first.", box=box, status=422)
    if len(box) > MAX_FORM_CHARS:
        return _index(request, error="That text is too long to analyse here.", box="", status=413)
    try:
        summary, _ = await run_analysis_queued(
            request_from_box(box),
            settings,
            request.app.state.store,
            request.app.state.analysis_slots,
            request.app.state.archive,
        )
    except InputError as exc:
        return _index(request, error=str(exc), box=box, status=422)
    return RedirectResponse(f"/a/{summary.id}", status_code=303)


def not_found_page(request: Request, detail: str) -> Response:
    """The HTML 404 page."""
    return templates().TemplateResponse(request, "error.html", {"status": 404, "detail": detail}, status_code=404)


#: Status logged for a page whose client left before it was built (nginx's "client closed request").
CLIENT_GONE = 499


@router.get("/a/{analysis_id}", response_class=HTMLResponse)
async def report_page(request: Request, analysis_id: str) -> Response:
    """One report's page; its work (load, lay out, render) stops between steps once the client has gone."""
    store: AnalysisStore = request.app.state.store
    stored = await anyio.to_thread.run_sync(store.get, analysis_id)
    if stored is None:
        return not_found_page(request, "There is no analysis at this address. It may have been deleted.")
    if await request.is_disconnected():
        return Response(status_code=CLIENT_GONE)
    view = await anyio.to_thread.run_sync(build_view, stored.report)
    if await request.is_disconnected():
        return Response(status_code=CLIENT_GONE)
    context = {"summary": stored.summary, "view": view}
    return await anyio.to_thread.run_sync(partial(templates().TemplateResponse, request, "report.html", context))
