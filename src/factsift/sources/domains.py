"""Turn whatever names an outlet (URL, host, ``host/path``) into the domain the raters rated.

Public-suffix rules come from tldextract's bundled snapshot of the Public Suffix List; the
extractor is built with no suffix-list URLs and no cache directory, so it never touches the
network or the disk.  Mobile and AMP addresses (``www.``, ``m.``, ``amp.``, Google AMP viewer
and AMP-cache URLs, ``/amp`` path segments) are reduced to the publisher's own host.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple
from urllib.parse import urlsplit

import tldextract

from factsift.errors import InputError

#: Leading labels that name a mobile/AMP/www edition of the same site, not a different outlet.
_EDITION_LABEL = re.compile(r"^(?:www\d*|m|mobile|amp)$")
_WWW = re.compile(r"^www\d*$")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOSTNAME = re.compile(rf"^(?:{_LABEL}\.)+{_LABEL}$")
_SPACE = re.compile(r"\s")
_FAST_URL = re.compile(
    r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>[A-Za-z0-9_.-]+)(?::(?P<port>[0-9]{1,5}))?"
    r"(?P<path>/[^?#\s]*)?(?:[?#]\S*)?$"
)
_AMP_SEGMENTS = frozenset({"amp", "amp.html"})
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_AMP_CACHE_PATH = re.compile(r"^/(?:[a-z]/)*(?:s/)?([^/?#]+)(/[^?#]*)?")
#: How many leading path segments can name an outlet on a shared host (``youtube.com/channel``).
MAX_PATH_SEGMENTS = 2


class MalformedDomain(InputError):
    """The input does not name a public domain (empty, bad characters, IP address, no suffix)."""


class Host(NamedTuple):
    """A normalised outlet address: the host without edition labels, its registrable domain, path."""

    host: str
    registrable: str
    path: tuple[str, ...] = ()


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() : never fetch the Public Suffix List; cache_dir=None : never write a cache.
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


@functools.lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str | None:
    """The registrable domain of a lower-case ASCII host (``news.bbc.co.uk`` → ``bbc.co.uk``), if any.

    A host that is itself a multi-label public suffix run by one publisher (``nhs.uk``) is its own
    registrable domain, and so is its ``www.`` form; a host with no known public suffix has none.
    """
    result = _extractor().extract_str(host)
    if not result.suffix:
        return None
    if not result.domain:
        return result.suffix if "." in result.suffix else None
    if not result.subdomain and "." in result.suffix and _WWW.match(result.domain):
        return result.suffix
    return f"{result.domain}.{result.suffix}"


@functools.lru_cache(maxsize=65536)
def _outlet_host(raw: str) -> tuple[str, str] | str:
    """``(host without edition labels, registrable domain)`` for a raw host, or why it names no outlet."""
    host = raw.strip().rstrip(".").lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return "not a valid domain name"
    if len(host) > 253 or not _HOSTNAME.match(host):
        return "not a valid domain name"
    if host.rsplit(".", 1)[-1].isdigit():
        return "an IP address names no outlet"
    registrable = registrable_domain(host)
    if registrable is None:
        return "not a public domain name (no known public suffix)"
    labels = host.split(".")
    keep = registrable.count(".") + 1
    while len(labels) > keep and _EDITION_LABEL.match(labels[0]):
        labels.pop(0)
    return ".".join(labels), registrable


def _split(text: str, original: str) -> tuple[str, str]:
    """``(raw host, path)`` of a URL or ``host/path``; plain ASCII inputs skip ``urlsplit``."""
    fast = _FAST_URL.match(text)
    if fast is not None:
        scheme, host, port, path = fast.group("scheme", "host", "port", "path")
        if scheme is not None and scheme.lower() not in ("http", "https"):
            raise MalformedDomain(f"only http(s) URLs name an outlet: {original!r}")
        if port is not None and int(port) > 65535:
            raise MalformedDomain(f"not a valid URL: {original!r}")
        return host, path or ""
    if _SPACE.search(text):
        raise MalformedDomain(f"not a domain name or URL: {original!r}")
    if _SCHEME.match(text):
        if text.split(":", 1)[0].lower() not in ("http", "https"):
            raise MalformedDomain(f"only http(s) URLs name an outlet: {original!r}")
    else:
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        raw_host = parts.hostname
        _ = parts.port  # raises ValueError for a port that is not a number in 0-65535
    except ValueError as exc:
        raise MalformedDomain(f"not a valid URL: {original!r}") from exc
    if not raw_host:
        raise MalformedDomain(f"not a domain name or URL: {original!r}")
    return raw_host, parts.path


def _unwrap_amp(host: str, path: str) -> str | None:
    """The publisher URL inside a Google AMP viewer or AMP-cache URL, if this is one."""
    if host.endswith(".cdn.ampproject.org"):
        match = _AMP_CACHE_PATH.match(path)
    elif path.startswith("/amp/") and (registrable_domain(host) or "").split(".")[0] == "google":
        match = _AMP_CACHE_PATH.match(path[4:])
    else:
        return None
    return match.group(1) + (match.group(2) or "") if match else None


def parse_host(text: str, *, _depth: int = 0) -> Host:
    """Normalise a URL, ``host`` or ``host/path`` to the outlet's host and registrable domain.

    Raises :class:`MalformedDomain` (an ``InputError``) when the input names no public domain.
    """
    original = text
    text = text.strip()
    if not text:
        raise MalformedDomain(f"not a domain name or URL: {original!r}")
    raw_host, path = _split(text, original)
    outlet = _outlet_host(raw_host)
    if isinstance(outlet, str):
        raise MalformedDomain(f"{outlet}: {original!r}")
    host, registrable = outlet
    if _depth == 0 and path.startswith("/"):
        inner = _unwrap_amp(host, path)
        if inner is not None:
            try:
                return parse_host(inner, _depth=1)
            except MalformedDomain:
                pass
    segments: tuple[str, ...] = ()
    if len(path) > 1:
        pieces = path.lower().split("/", MAX_PATH_SEGMENTS + 3)[1 : MAX_PATH_SEGMENTS + 3]
        segments = tuple(piece for piece in pieces if piece and piece not in _AMP_SEGMENTS)[:MAX_PATH_SEGMENTS]
    return Host(host, registrable, segments)


def parent_hosts(host: Host) -> list[str]:
    """The host and each parent domain down to (and including) the registrable domain."""
    labels = host.host.split(".")
    keep = host.registrable.count(".") + 1
    return [".".join(labels[i:]) for i in range(len(labels) - keep + 1)]
