"""The one FastAPI app behind ``factsift serve``: API, pages, static files, guards and error format."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from anyio import CapacityLimiter
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factsift import __version__
from factsift.archive.store import open_article_archive
from factsift.pipeline import registered_stages
from factsift.watch.web import router as watch_router
from factsift.web import api, pages
from factsift.web.bodylimit import BodyLimitMiddleware
from factsift.web.problems import Problem, problem_response
from factsift.web.ratelimit import RateLimitMiddleware
from factsift.web.settings import ServerSettings, settings_from_parent
from factsift.web.store import StoreUnavailable, open_analyses

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeadersMiddleware:
    """Adds a strict Content-Security-Policy and friends: even a missed escape could not run script."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadMiddleware:
    """``HEAD`` on any ``GET`` route: answered as the GET would be, headers only (RFC 9110 §9.3.2)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(dict(scope, method="GET"), receive, headers_only)


def _route_methods(routes: list[Any], scope: Scope) -> set[str]:
    """The methods of every route (inside included routers too) whose path matches ``scope``'s."""
    methods: set[str] = set()
    for route in routes:
        if route.matches(scope)[0] == Match.NONE:
            continue
        inner = getattr(route, "routes", None) or getattr(getattr(route, "original_router", None), "routes", None)
        methods |= _route_methods(inner, scope) if inner is not None else set(getattr(route, "methods", None) or ())
    return methods


def _allowed_methods(request: Request) -> str:
    """Every method some route accepts at this path (a 405's ``Allow``), HEAD wherever GET is."""
    methods = _route_methods(request.app.routes, request.scope)
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem) -> Response:
        return problem_response(exc, instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "loc": [str(part) for part in error.get("loc", ())],
                "msg": str(error.get("msg", "")),
                "type": error.get("type"),
            }
            for error in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"])
        detail = f"{where}: {first['msg']}" if where else str(first["msg"])
        if any(error["type"] == "json_invalid" for error in errors):
            detail = "the request body is not valid JSON"
        elif first["loc"] == ["body"] and first.get("type") in {"missing", "model_attributes_type", "dict_type"}:
            detail = "the request body must be a JSON object (Content-Type: application/json)"
        return problem_response(Problem(422, "invalid-request", detail, errors=errors), instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and _wants_html(request):
            return pages.not_found_page(request, "There is nothing at this address.")
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            detail = f"no such endpoint: {request.method} {request.url.path}"
        elif exc.status_code == 405 and (allowed := _allowed_methods(request)):
            headers["Allow"] = allowed
        elif exc.status_code == 400:  # a body FastAPI could not even parse (bad UTF-8, too deep, huge numbers)
            detail = f"the request body cannot be read: {detail}"
            return problem_response(Problem(422, "invalid-request", detail), instance=request.url.path)
        return problem_response(
            Problem(exc.status_code, "http-error", detail, headers=headers), instance=request.url.path
        )

    @app.exception_handler(StoreUnavailable)
    async def on_store(request: Request, exc: StoreUnavailable) -> Response:
        log.error("store unavailable on %s %s: %s", request.method, request.url.path, exc)
        return problem_response(Problem(503, "store-unavailable", str(exc)), instance=request.url.path)

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            Problem(500, "internal-error", "the server failed to handle this request; see its log"),
            instance=request.url.path,
        )


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """Build the app for ``settings`` (the analyses table is created in ``settings.db`` if needed)."""
    settings = settings or ServerSettings()
    app = FastAPI(
        title="factsift",
        version=__version__,
        description="Offline news credibility analyser: evidence first, verdict second.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the interactive docs load assets from a CDN; the spec is enough
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = open_analyses(settings.db)
    #: Where every analysed article is kept (searched for coverage by other outlets), unless keeping is off.
    app.state.archive = open_article_archive(settings.db) if settings.keep_articles else None
    app.state.analysis_slots = CapacityLimiter(settings.max_concurrent_analyses)
    _install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(watch_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", tags=["health"], summary="Liveness and store check")
    def healthz() -> JSONResponse:
        body: dict[str, Any] = {"status": "ok", "version": __version__, "stages": ["ingest", *registered_stages()]}
        try:
            app.state.store.ping()
        except StoreUnavailable as exc:
            body.update(status="error", detail=str(exc))
            return JSONResponse(body, status_code=503)
        return JSONResponse(body)

    # The last added runs first: security headers, then the rate limit (before any body is read),
    # then the body size limit.
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(
        RateLimitMiddleware, per_minute=settings.rate_limit, burst=settings.rate_burst, api_keys=settings.api_keys
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadMiddleware)
    return app


def app_from_environment() -> FastAPI:
    """The app of one ``factsift serve --workers N`` process, from the settings its parent put in the environment."""
    return create_app(settings_from_parent())
