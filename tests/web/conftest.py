from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from factsift.web.app import create_app
from factsift.web.settings import ServerSettings

from .samples import ARTICLE_HTML, SAMPLE_TEXT


@pytest.fixture
def make_client(tmp_path: Path) -> Callable[..., TestClient]:
    """A TestClient for an app with a fresh store; keyword arguments override ServerSettings."""

    def make(**overrides: Any) -> TestClient:
        settings = ServerSettings(**({"db": tmp_path / "store.db"} | overrides))
        return TestClient(create_app(settings))

    return make


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def sample_text() -> str:
    return SAMPLE_TEXT.read_text("utf-8")


class _Handler(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(ARTICLE_HTML)))
        self.end_headers()
        self.wfile.write(ARTICLE_HTML)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def local_site() -> Iterator[tuple[str, list[str]]]:
    """A web server on 127.0.0.1 serving one article; yields (URL, list of paths requested)."""
    handler = type("Handler", (_Handler,), {"hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/ferry.html", handler.hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
