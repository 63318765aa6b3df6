"""Fetch a web page safely: bounded in size and time, and never into a private network.

factsift runs as a server too, so a URL from a stranger must not turn it into a proxy
into the host's network.  Every connection (so every redirect hop) resolves its host once,
checks every address, and connects to the checked address itself: a name that resolves
differently the second time (DNS rebinding) never gets a second lookup to exploit.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from factsift.errors import FetchRefused, InputError

MAX_REDIRECTS = 5
ALLOWED_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


@dataclass
class FetchedPage:
    """The bytes of a fetched page and what the server said about them."""

    url: str
    body: bytes
    content_type: str
    charset: str | None
    #: 304 when a conditional request found the page unchanged (the body is then empty), else 200.
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class HTTPStatusError(InputError):
    """The server answered with an error status; ``headers`` keeps what it said (``Retry-After`` ...)."""

    def __init__(self, message: str, status: int, headers: Mapping[str, str]) -> None:
        super().__init__(message)
        self.status = status
        self.headers = dict(headers)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every fetch: loading the CA bundle anew costs more than a whole local request."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


#: Ranges that Python's ``is_global`` lets through but that must never be fetched from: IPv4-mapped
#: and -translated IPv6, IPv4-compatible IPv6, local-use NAT64, site-local IPv6, the 6to4 relay anycast.
_NON_PUBLIC = tuple(
    ipaddress.ip_network(network)
    for network in ("::ffff:0:0/96", "::ffff:0:0:0/96", "::/96", "64:ff9b:1::/48", "fec0::/10", "192.88.99.0/24")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a NAT64 or 6to4 address leads to (these reach it through a gateway)."""
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def _address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip in network for network in _NON_PUBLIC if network.version == ip.version):
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not _address_is_public(str(embedded)):
            return False
    return ip.is_global and not ip.is_multicast


def checked_addresses(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Resolve ``host`` once; refuse it if any address is private, loopback, link-local, multicast or reserved."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses if not allow_private else ():
        if not _address_is_public(address):
            raise FetchRefused(
                f"refusing to fetch {host!r}: it resolves to the non-public address {address} "
                "(use --allow-private to allow this)"
            )
    return addresses


def check_host(host: str, port: int, *, allow_private: bool) -> None:
    """Refuse hosts that resolve to private, loopback, link-local, multicast or reserved addresses."""
    if not allow_private:
        checked_addresses(host, port, allow_private=False)


class PinnedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to addresses :func:`checked_addresses` just approved.

    TLS still verifies the certificate for the host name (httpcore passes it as the SNI name).
    """

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect to the first reachable checked address of ``host``."""
        failure: Exception | None = None
        for address in checked_addresses(host, port, allow_private=self.allow_private):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"no address for {host!r}")


def pinned_transport(*, allow_private: bool) -> httpx.HTTPTransport:
    """An httpx transport whose every connection goes through :class:`PinnedBackend`."""
    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=_tls_context(),
        network_backend=PinnedBackend(allow_private=allow_private),
    )
    return transport


def _check_peer(response: httpx.Response, host: str, *, allow_private: bool) -> None:
    """Check the address actually connected to, so DNS that changes after the check cannot slip through."""
    if allow_private:
        return
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and not _address_is_public(str(peer[0])):
        raise FetchRefused(f"refusing to read from {host!r}: it connected to the non-public address {peer[0]}")


def validate_url(url: str) -> tuple[str, int]:
    """Check a URL's scheme and host; return (host, port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"malformed URL {url!r}: {exc}") from exc
    if parts.scheme not in {"http", "https"}:
        raise FetchRefused(f"only http and https URLs can be fetched, not {parts.scheme or 'none'!r}")
    if not parts.hostname:
        raise InputError(f"malformed URL {url!r}: no host")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _content_type(response: httpx.Response) -> tuple[str, str | None]:
    raw = response.headers.get("content-type", "")
    media = raw.split(";", 1)[0].strip().lower()
    charset = None
    for part in raw.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media, charset


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float = 15.0,
    max_bytes: int = 5 * 1024 * 1024,
    user_agent: str = "factsift",
    request_headers: Mapping[str, str] | None = None,
    allowed_types: tuple[str, ...] = ALLOWED_TYPES,
) -> FetchedPage:
    """Fetch ``url`` with timeouts, at most 5 redirects, at most ``max_bytes`` read, HTML/text only.

    ``request_headers`` are sent too (``If-None-Match`` for a conditional GET: an unchanged page comes
    back with status 304 and no body); ``allowed_types`` widens the accepted media types (feeds).
    """
    deadline = time.monotonic() + timeout
    current = url
    limits = httpx.Timeout(timeout, connect=min(timeout, 5.0))
    headers = {"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8"}
    headers.update(request_headers or {})
    transport = pinned_transport(allow_private=allow_private)
    with httpx.Client(
        follow_redirects=False, timeout=limits, headers=headers, transport=transport, trust_env=False
    ) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            host, _ = validate_url(current)
            try:
                with client.stream("GET", current) as response:
                    _check_peer(response, host, allow_private=allow_private)
                    media, charset = _content_type(response)
                    if response.status_code == 304:
                        return FetchedPage(current, b"", media, charset, 304, dict(response.headers))
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise InputError(f"{current} redirects without a Location header")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise HTTPStatusError(
                            f"{current} answered HTTP {response.status_code} {response.reason_phrase}",
                            response.status_code,
                            response.headers,
                        )
                    if media and media not in allowed_types:
                        raise FetchRefused(f"{current} is {media}, not an HTML or text page")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise FetchRefused(f"{current} is larger than the {max_bytes // (1024 * 1024)} MB limit")
                        if time.monotonic() > deadline:
                            raise InputError(f"fetching {current} took longer than {timeout:g} s")
                    return FetchedPage(
                        current, bytes(body), media, charset, response.status_code, dict(response.headers)
                    )
            except httpx.TimeoutException as exc:
                raise InputError(f"fetching {current} timed out") from exc
            except httpx.HTTPError as exc:
                raise InputError(f"cannot fetch {current}: {exc}") from exc
    raise InputError(f"{url} redirected more than {MAX_REDIRECTS} times")
