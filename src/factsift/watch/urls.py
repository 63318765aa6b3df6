"""Canonical article URLs: one key for the many spellings of one page (tracking tags, AMP, ``www.``)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Query parameters that only say where a click came from, never which page it is.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "yclid",
        "msclkid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "smid",
        "s_cid",
        "ito",
        "taid",
        "amp",
        "outputtype",
        "src",
        "share",
        "via",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "__twitter")
_AMP_SUFFIX = re.compile(r"(/amp/?|\.amp)$", re.I)
_AMP_HTML = re.compile(r"\.amp\.html?$", re.I)


def _is_tracking(name: str) -> bool:
    """Whether a query parameter only tracks where a click came from."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The key under which copies of one page meet: scheme folded to https, host lower-cased without
    ``www.``/``amp.``/``m.``, default port, fragment, tracking parameters and AMP markers removed, the
    remaining parameters sorted and a trailing slash dropped.

    >>> canonical_url("http://www.Example.com/news/story/amp/?utm_source=x&id=3#top")
    'https://example.com/news/story?id=3'
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in ("www.", "amp.", "m."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    port = parts.port
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if path.lower().startswith("/amp/"):
        path = path[4:]
    path = _AMP_HTML.sub(".html", path)
    path = _AMP_SUFFIX.sub("", path) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k))
    return urlunsplit(("https", host, path, urlencode(query), ""))


def host_of(url: str) -> str:
    """The host name of ``url`` in lower case ("" when it has none): the unit of politeness."""
    return (urlsplit(url).hostname or "").lower()
