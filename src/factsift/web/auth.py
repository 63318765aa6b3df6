"""Optional API keys for write endpoints (``$FACTSIFT_API_KEYS``).

A key is sent as ``Authorization: Bearer KEY`` or ``X-API-Key: KEY`` (or, from the web form, as
a form field).  Keys are compared in constant time.  Reads stay open so shared links keep working.
"""

from __future__ import annotations

import hmac

from starlette.types import Scope

from factsift.web.problems import Problem


def presented_key(scope: Scope) -> str | None:
    """The API key a request carries in its headers, if any."""
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for name, value in headers:
        if name == b"x-api-key":
            return value.decode("latin-1").strip() or None
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def key_is_valid(key: str | None, api_keys: frozenset[str]) -> bool:
    """True when no keys are configured, or ``key`` is one of them."""
    if not api_keys:
        return True
    if not key:
        return False
    return any(hmac.compare_digest(key.encode(), candidate.encode()) for candidate in api_keys)


def require_key(key: str | None, api_keys: frozenset[str]) -> None:
    """Raise a 401 problem unless ``key`` is acceptable for a write."""
    if key_is_valid(key, api_keys):
        return
    detail = "this endpoint needs an API key (Authorization: Bearer KEY or X-API-Key)"
    if key:
        detail = "the API key is not valid"
    raise Problem(401, "unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="factsift"'})
