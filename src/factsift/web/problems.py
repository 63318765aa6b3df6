"""RFC 9457 problem details: every API error is ``application/problem+json`` with a clear ``detail``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

PROBLEM_TYPE_BASE = "https://factsift.invalid/problems/"
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """An error that the API reports as a problem document (raise it from any endpoint)."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.headers = dict(headers or {})
        self.extra = extra


def problem_body(
    status: int, slug: str, detail: str, *, title: str | None = None, instance: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The JSON object of one problem (``type``, ``title``, ``status``, ``detail``, ``instance`` + extras)."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(problem: Problem, instance: str | None = None) -> Response:
    """A ``Response`` carrying ``problem`` as ``application/problem+json``."""
    body = problem_body(
        problem.status, problem.slug, problem.detail, title=problem.title, instance=instance, **problem.extra
    )
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=problem.status,
        media_type=MEDIA_TYPE,
        headers=problem.headers,
    )


def asgi_problem(problem: Problem) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """An ASGI app answering with ``problem`` (for middleware that stops a request early)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await problem_response(problem, instance=scope.get("path"))(scope, receive, send)

    return app
