"""Fetching: a local server on 127.0.0.1 proves private addresses are refused unless allowed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import factsift
from factsift.errors import FetchRefused, InputError
from factsift.ingest.fetch import check_host, fetch

PAGE = (
    b"<html><head><title>Harbour Budget Passes</title></head><body><article><h1>Harbour Budget Passes</h1>"
    b"<p>The regional council approved the new harbour budget on Tuesday after a long debate that ran late.</p>"
    b"<p>Members voted seven to two in favour of the plan, which funds repairs to the north pier.</p>"
    b"</article></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        routes = {
            "/page": (200, "text/html; charset=utf-8", PAGE),
            "/image": (200, "image/png", b"\x89PNG\r\n"),
            "/huge": (200, "text/html", b"<p>" + b"x" * 2_000_000),
            "/missing": (404, "text/html", b"gone"),
        }
        if self.path.startswith("/redirect/"):
            left = int(self.path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", f"/redirect/{left - 1}" if left > 0 else "/page")
            self.end_headers()
            return
        status, ctype, body = routes.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_loopback_is_refused_by_default(server: str) -> None:
    with pytest.raises(FetchRefused, match=r"non-public address 127\.0\.0\.1"):
        factsift.analyse(f"{server}/page")


def test_loopback_is_allowed_with_the_flag(server: str) -> None:
    report = factsift.analyse(f"{server}/page", allow_private=True)
    assert report.input.kind == "url"
    assert report.article.title == "Harbour Budget Passes"
    assert report.article.text.startswith("The regional council approved")
    assert report.article.outlet.domain == "127.0.0.1"


def test_redirects_are_followed_up_to_five(server: str) -> None:
    page = fetch(f"{server}/redirect/4", allow_private=True)
    assert page.url.endswith("/page")
    with pytest.raises(InputError, match="redirected more than 5"):
        fetch(f"{server}/redirect/5", allow_private=True)


def test_content_type_size_and_status_guards(server: str) -> None:
    with pytest.raises(FetchRefused, match="image/png"):
        fetch(f"{server}/image", allow_private=True)
    with pytest.raises(FetchRefused, match="larger than"):
        fetch(f"{server}/huge", allow_private=True, max_bytes=1024 * 1024)
    with pytest.raises(InputError, match="HTTP 404"):
        fetch(f"{server}/missing", allow_private=True)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "::ffff:127.0.0.1", "224.0.0.1", "0.0.0.0"],
)
def test_non_public_addresses_are_refused(host: str) -> None:
    with pytest.raises(FetchRefused):
        check_host(host, 80, allow_private=False)


def test_public_address_passes_the_check() -> None:
    check_host("93.184.215.14", 80, allow_private=False)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(FetchRefused, match="only http and https"):
        factsift.analyse(url=url)
