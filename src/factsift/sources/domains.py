"""Turn whatever names an outlet (URL, host, ``host/path``) into the domain the raters rated.

Public-suffix rules come from tldextract's bundled snapshot of the Public Suffix List; the
extractor is built with no suffix-list URLs and no cache directory, so it never touches the
network or the disk.  Mobile and AMP addresses (``www.``, ``m.``, ``amp.``, Google AMP viewer
and AMP-cache URLs, ``/amp`` path segments) are reduced to the publisher's own host.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import tldextract

from factsift.errors import InputError

#: Leading labels that name a mobile/AMP/www edition of the same site, not a different outlet.
_EDITION_LABEL = re.compile(r"^(?:www\d*|m|mobile|amp)$")
_WWW = re.compile(r"^www\d*$")
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_AMP_CACHE_PATH = re.compile(r"^/(?:[a-z]/)*(?:s/)?([^/?#]+)(/[^?#]*)?")
#: How many leading path segments can name an outlet on a shared host (``youtube.com/channel``).
MAX_PATH_SEGMENTS = 2


class MalformedDomain(InputError):
    """The input does not name a public domain (empty, bad characters, IP address, no suffix)."""


@dataclass(frozen=True, slots=True)
class Host:
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


def _ascii_host(raw: str, original: str) -> str:
    host = raw.strip().rstrip(".").lower()
    if not host:
        raise MalformedDomain(f"not a domain name or URL: {original!r}")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise MalformedDomain(f"not a valid domain name: {original!r}") from exc
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or len(host) > 253:
        raise MalformedDomain(f"not a valid domain name: {original!r}")
    if labels[-1].isdigit():
        raise MalformedDomain(f"an IP address names no outlet: {original!r}")
    return host


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
    if not text or any(ch.isspace() for ch in text):
        raise MalformedDomain(f"not a domain name or URL: {original!r}")
    if _SCHEME.match(text):
        scheme = text.split(":", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise MalformedDomain(f"only http(s) URLs name an outlet: {original!r}")
    else:
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        raw_host = parts.hostname
        _ = parts.port  # raises ValueError for a port that is not a number in 0-65535
    except ValueError as exc:
        raise MalformedDomain(f"not a valid URL: {original!r}") from exc
    if raw_host is None:
        raise MalformedDomain(f"not a domain name or URL: {original!r}")
    host = _ascii_host(raw_host, original)
    if _depth == 0:
        inner = _unwrap_amp(host, parts.path)
        if inner is not None:
            try:
                return parse_host(inner, _depth=1)
            except MalformedDomain:
                pass
    registrable = registrable_domain(host)
    if registrable is None:
        raise MalformedDomain(f"not a public domain name (no known public suffix): {original!r}")
    labels = host.split(".")
    keep = registrable.count(".") + 1
    while len(labels) > keep and _EDITION_LABEL.match(labels[0]):
        labels.pop(0)
    segments = tuple(
        segment for segment in parts.path.lower().split("/") if segment and segment not in ("amp", "amp.html")
    )
    return Host(host=".".join(labels), registrable=registrable, path=segments[:MAX_PATH_SEGMENTS])


def parent_hosts(host: Host) -> list[str]:
    """The host and each parent domain down to (and including) the registrable domain."""
    labels = host.host.split(".")
    keep = host.registrable.count(".") + 1
    return [".".join(labels[i:]) for i in range(len(labels) - keep + 1)]
