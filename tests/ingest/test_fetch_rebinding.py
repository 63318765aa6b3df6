"""SSRF by DNS rebinding: the address checked is the address connected to, on every redirect hop.

A resolver under the test's control answers a "public" address (127.0.0.2, declared public here)
the first time and the "internal" one (127.0.0.1) after that; both servers listen on loopback only.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from factsift.errors import FetchRefused
from factsift.ingest import fetch as fetch_module
from factsift.ingest.fetch import _address_is_public, fetch

PUBLIC, INTERNAL = "127.0.0.2", "127.0.0.1"


def serve(address: str, port: int, body: bytes, hits: list[str], redirect: str | None = None) -> ThreadingHTTPServer:
    """A page server on ``address``; it records each path asked for, and may redirect instead."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            if redirect and self.path == "/start":
                self.send_response(302)
                self.send_header("Location", redirect)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((address, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def rebinding(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, list[str], list[str]]]:
    """(port, paths the public server saw, paths the internal server saw); *.rebind.test flips after one lookup."""
    internal_hits: list[str] = []
    public_hits: list[str] = []
    internal = serve(INTERNAL, 0, b"<p>internal secret</p>", internal_hits)
    port = internal.server_address[1]
    public = serve(PUBLIC, port, b"<p>public page</p>", public_hits, redirect=f"http://hop.rebind.test:{port}/page")
    real = socket.getaddrinfo
    lookups: dict[str, int] = {}

    def resolver(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".rebind.test"):
            lookups[host] = lookups.get(host, 0) + 1
            address = PUBLIC if lookups[host] == 1 else INTERNAL
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(fetch_module, "_address_is_public", lambda address: address == PUBLIC)
    try:
        yield port, public_hits, internal_hits
    finally:
        for server in (internal, public):
            server.shutdown()
            server.server_close()


def test_a_rebinding_name_is_fetched_from_the_checked_address(rebinding: tuple[int, list[str], list[str]]) -> None:
    port, public_hits, internal_hits = rebinding
    page = fetch(f"http://start.rebind.test:{port}/page")
    assert page.body == b"<p>public page</p>"
    assert public_hits == ["/page"] and internal_hits == []


def test_every_redirect_hop_is_pinned(rebinding: tuple[int, list[str], list[str]]) -> None:
    port, public_hits, internal_hits = rebinding
    page = fetch(f"http://start.rebind.test:{port}/start")
    assert page.body == b"<p>public page</p>"
    assert public_hits == ["/start", "/page"] and internal_hits == []


def test_a_name_resolving_inside_is_refused_before_any_request(rebinding: tuple[int, list[str], list[str]]) -> None:
    port, public_hits, internal_hits = rebinding
    with pytest.raises(FetchRefused, match=r"non-public address 127\.0\.0\.1"):
        fetch(f"http://{INTERNAL}:{port}/page")
    assert internal_hits == [] and public_hits == []


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b:1::808:808",  # local-use NAT64
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "::a00:1",  # IPv4-compatible 10.0.0.1
        "::808:808",  # IPv4-compatible, even of a public address
        "::ffff:8.8.8.8",  # IPv4-mapped: never on the wire
        "::ffff:0:a00:1",  # IPv4-translated
        "fec0::1",  # site-local
        "192.88.99.1",  # 6to4 relay anycast
    ],
)
def test_more_non_public_ranges(address: str) -> None:
    assert not _address_is_public(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"])
def test_public_addresses_stay_public(address: str) -> None:
    assert _address_is_public(address)
