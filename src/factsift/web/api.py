"""The JSON API, versioned under ``/api/v1``: analyses (create, read, list, delete), fact-checks and coverage."""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile

from factsift.config import config_at_edge
from factsift.errors import FetchRefused, InputError, OverBudget
from factsift.web.analysis import AnalysisRequest, run_analysis_queued
from factsift.web.auth import presented_key, require_key
from factsift.web.problems import Problem
from factsift.web.schemas import (
    Analysis,
    AnalysisList,
    AnalysisSummary,
    ImportResult,
    Links,
    SearchResults,
    problem_responses,
)
from factsift.web.settings import ServerSettings
from factsift.web.store import AnalysisStore, BadCursor, Summary

router = APIRouter(prefix="/api/v1")


def settings_of(request: Request) -> ServerSettings:
    """The server settings (stored on the app at start-up)."""
    settings: ServerSettings = request.app.state.settings
    return settings


def store_of(request: Request) -> AnalysisStore:
    """The analyses store (opened once at start-up)."""
    store: AnalysisStore = request.app.state.store
    return store


def write_access(request: Request) -> None:
    """Dependency for write endpoints: an API key when the server has any configured."""
    require_key(presented_key(request.scope), settings_of(request).api_keys)


Settings = Annotated[ServerSettings, Depends(settings_of)]
Store = Annotated[AnalysisStore, Depends(store_of)]


def _links(analysis_id: str) -> Links:
    return Links(self=f"/api/v1/analyses/{analysis_id}", page=f"/a/{analysis_id}")


def _summary(summary: Summary) -> AnalysisSummary:
    return AnalysisSummary(**dataclasses.asdict(summary), links=_links(summary.id))


def analysis_response(
    summary: Summary, report_json: str, *, status: int = 200, location: str | None = None
) -> Response:
    """An ``Analysis`` body built around the stored report text (big reports are not decoded and re-encoded)."""
    head = {"id": summary.id, "created": summary.created, "links": _links(summary.id).model_dump()}
    content = json.dumps(head, ensure_ascii=False)[:-1] + ', "report": ' + report_json + "}"
    headers = {"Location": location} if location else None
    return Response(content.encode(), status_code=status, media_type="application/json", headers=headers)


def input_problem(exc: InputError) -> Problem:
    """The problem for input that cannot be analysed (a refused fetch and an exceeded budget have their own)."""
    if isinstance(exc, OverBudget):
        return Problem(413, "too-large", str(exc)) if exc.too_large else Problem(503, "over-time-budget", str(exc))
    slug = "fetch-refused" if isinstance(exc, FetchRefused) else "unprocessable-input"
    return Problem(422, slug, str(exc))


@router.post(
    "/analyses",
    status_code=201,
    response_model=Analysis,
    dependencies=[Depends(write_access)],
    responses=problem_responses(401, 413, 422, 429, 503),
    summary="Analyse an article (URL, HTML or text) and store the report",
)
async def create_analysis(body: AnalysisRequest, request: Request, settings: Settings, store: Store) -> Response:
    try:
        summary, report_json = await run_analysis_queued(
            body, settings, store, request.app.state.analysis_slots, request.app.state.archive
        )
    except InputError as exc:
        raise input_problem(exc) from exc
    return analysis_response(summary, report_json, status=201, location=f"/api/v1/analyses/{summary.id}")


@router.get(
    "/analyses",
    response_model=AnalysisList,
    responses=problem_responses(422, 429),
    summary="List analyses, newest first",
)
def list_analyses(
    store: Store,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> AnalysisList:
    try:
        rows, next_cursor = store.list(limit, cursor)
    except BadCursor as exc:
        raise Problem(422, "bad-cursor", str(exc)) from exc
    return AnalysisList(items=[_summary(row) for row in rows], next_cursor=next_cursor)


def _not_found(analysis_id: str) -> Problem:
    return Problem(404, "not-found", f"no analysis with id {analysis_id!r}")


@router.get(
    "/analyses/{analysis_id}",
    response_model=Analysis,
    responses=problem_responses(404, 429),
    summary="One stored analysis with its report",
)
def get_analysis(analysis_id: str, store: Store) -> Response:
    stored = store.get(analysis_id)
    if stored is None:
        raise _not_found(analysis_id)
    return analysis_response(stored.summary, stored.report_json)


@router.delete(
    "/analyses/{analysis_id}",
    status_code=204,
    dependencies=[Depends(write_access)],
    responses=problem_responses(401, 404, 429),
    summary="Delete a stored analysis",
)
def delete_analysis(analysis_id: str, store: Store) -> Response:
    if not store.delete(analysis_id):
        raise _not_found(analysis_id)
    return Response(status_code=204)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe_name(filename: str | None, index: int) -> str:
    """The uploaded file's own name, reduced to safe characters (the importer reads formats by its suffix)."""
    name = _UNSAFE.sub("_", Path(filename or "").name)[-100:].lstrip("._")
    return name or f"upload-{index}"


def _store_missing(module: str, exc: ModuleNotFoundError) -> Problem:
    """501 when the fact-check store is not part of this build; any other missing module is a real error."""
    if exc.name is None or not module.startswith(exc.name):
        raise exc
    return Problem(501, "factchecks-unavailable", f"the fact-check store is not installed in this build ({module})")


@router.post(
    "/factchecks:import",
    response_model=ImportResult,
    dependencies=[Depends(write_access)],
    responses=problem_responses(401, 413, 422, 429, 501),
    summary="Import ClaimReview fact-checks (multipart field `file`, one or more files)",
)
def import_factchecks(
    file: Annotated[list[UploadFile], File(description="ClaimReview files")], settings: Settings
) -> ImportResult:
    try:
        from factsift.factchecks.importer import import_files
    except ModuleNotFoundError as exc:
        raise _store_missing("factsift.factchecks.importer", exc) from exc
    with tempfile.TemporaryDirectory(prefix="factsift-import-") as folder:
        paths: list[Path] = []
        for index, upload in enumerate(file):
            path = Path(folder) / str(index) / _safe_name(upload.filename, index)
            path.parent.mkdir()
            with path.open("wb") as out:
                while chunk := upload.file.read(1 << 16):
                    out.write(chunk)
            paths.append(path)
        try:
            embeddings = config_at_edge().factchecks.embeddings  # $FACTSIFT_EMBEDDINGS, read here at the edge
            summary = import_files(
                paths, db=settings.db, progress=False, max_bytes=settings.max_import_bytes, embeddings=embeddings
            )
        except InputError as exc:  # messages name the uploaded file, not where the server put it
            detail = re.sub(re.escape(folder + os.sep) + r"\d+" + re.escape(os.sep), "", str(exc))
            raise Problem(422, "unprocessable-input", detail) from exc
    return ImportResult(
        added=summary.added, updated=summary.updated, skipped=summary.skipped, errors=list(summary.errors)
    )


@router.get(
    "/factchecks/search",
    response_model=SearchResults,
    responses=problem_responses(422, 429, 501),
    summary="Search the imported fact-checks",
)
def search_factchecks(
    settings: Settings,
    q: Annotated[str, Query(min_length=1, max_length=1000, description="the claim to look for")],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SearchResults:
    try:
        from factsift.factchecks.search import search
    except ModuleNotFoundError as exc:
        raise _store_missing("factsift.factchecks.search", exc) from exc
    try:
        results = search(q, k=k, db=settings.db, section=config_at_edge().factchecks)
    except InputError as exc:
        raise Problem(422, "unprocessable-input", str(exc)) from exc
    return SearchResults(query=q, results=list(results))


@router.get(
    "/coverage/search",
    responses=problem_responses(422, 429),
    summary="Search the archive for other outlets' coverage of a claim",
)
def search_coverage(
    settings: Settings,
    q: Annotated[str, Query(min_length=1, max_length=1000, description="the claim to look for")],
    since: Annotated[datetime.date | None, Query(description="earliest publication date")] = None,
    until: Annotated[datetime.date | None, Query(description="latest publication date")] = None,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """Related articles (stance, passage with its span), unrelated ones left out, with the archive's size for
    the dates."""
    from factsift.coverage.service import search_archive

    first = since.isoformat() if since else None
    last = until.isoformat() if until else None
    try:
        matches, window = search_archive(settings.db, q, first, last, k, config_at_edge().coverage)
    except InputError as exc:
        raise Problem(422, "unprocessable-input", str(exc)) from exc
    held = {"articles": window.counts.articles, "outlets": window.counts.outlets}
    found = [dataclasses.asdict(match) for match in matches]
    return {"claim": q, "since": window.since, "until": window.until, "archive": held, "coverage": found}
