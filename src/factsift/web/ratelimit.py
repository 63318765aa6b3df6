"""A per-client rate limit (token bucket) so one client cannot monopolise the analyser.

A client is its API key when it presents a valid one (so many keyed clients behind one proxy
each get their own budget), otherwise its IP address.  Over the limit: 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from factsift.web.auth import key_is_valid, presented_key
from factsift.web.problems import Problem, asgi_problem

EXEMPT_PREFIXES = ("/healthz", "/static/")
MAX_CLIENTS = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """Token buckets per client: ``per_minute`` tokens refill each minute, at most ``burst`` saved."""

    def __init__(self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, client: str) -> float:
        """Spend one token for ``client``; returns 0 if allowed, else seconds until a token is free."""
        now = self.clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= MAX_CLIENTS:
                self._forget_idle(now)
            bucket = self._buckets[client] = _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= MAX_CLIENTS:  # everyone is busy: forget the oldest half
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].updated)[: MAX_CLIENTS // 2]
            for key in oldest:
                del self._buckets[key]


def client_id(scope: Scope, api_keys: frozenset[str]) -> str:
    """Who is asking: a hash of their valid API key, else their IP address."""
    key = presented_key(scope)
    if key is not None and api_keys and key_is_valid(key, api_keys):
        return "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]
    client = scope.get("client")
    return "ip:" + (client[0] if client else "unknown")


class RateLimitMiddleware:
    """ASGI middleware applying :class:`TokenBuckets` to every request except health and static files."""

    def __init__(self, app: ASGIApp, per_minute: int, burst: int, api_keys: frozenset[str]) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute, burst) if per_minute > 0 else None
        self.api_keys = api_keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.buckets is None or scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(client_id(scope, self.api_keys))
        if wait > 0:
            retry = max(1, math.ceil(wait))
            problem = Problem(
                429,
                "rate-limited",
                f"too many requests from this client; try again in {retry} s",
                headers={"Retry-After": str(retry)},
            )
            await asgi_problem(problem)(scope, receive, send)
            return
        await self.app(scope, receive, send)
