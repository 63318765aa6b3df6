"""Refuse request bodies over the size limit with 413, before any endpoint reads them.

A declared ``Content-Length`` over the limit is refused at once; a chunked body is read up to
the limit and refused as soon as it goes over, so a client can never make the server buffer more.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factsift.web.problems import Problem, asgi_problem


def _too_large(limit: int) -> Problem:
    return Problem(
        413,
        "body-too-large",
        f"the request body is larger than the {limit // 1024} KiB limit",
        headers={"Connection": "close"},
    )


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """413: a problem document for the API, the HTML error page for the web form."""
    if scope["path"].startswith("/api/"):
        await asgi_problem(_too_large(limit))(scope, receive, send)
        return
    from factsift.web.pages import templates

    detail = f"That text is too long to analyse here (the limit is {limit // 1024} KiB)."
    page = templates().TemplateResponse(
        Request(scope), "error.html", {"status": 413, "title": "Too long", "detail": detail}, status_code=413
    )
    page.headers["Connection"] = "close"
    await page(scope, receive, send)


class BodyLimitMiddleware:
    """ASGI middleware: bodies over ``limit`` bytes get a 413 problem response."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.limit:
                    await _refuse(scope, receive, send, self.limit)
                    return
        # Read the body here (bounded), then hand it on unchanged.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await _refuse(scope, receive, send, self.limit)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        whole = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
