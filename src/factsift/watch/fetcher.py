"""Polite, safe fetching for the watcher, built on :func:`factsift.ingest.fetch.fetch` (the same size,
time, redirect and private-address guards as ``factsift check``).

Politeness: one request at a time per host and a minimum interval between two requests to a host;
a host that answers 429 or 5xx is left alone until its ``Retry-After`` (or an exponential backoff)
has passed; robots.txt is read once per host and honoured for article pages.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from factsift.errors import InputError
from factsift.ingest.fetch import FetchedPage, HTTPStatusError, fetch
from factsift.options import MAX_FETCH_BYTES
from factsift.watch.feeds import FEED_TYPES
from factsift.watch.urls import host_of

#: Longest a host is left alone after errors, whatever it asks.
MAX_BACKOFF = 6 * 3600.0
ROBOTS_MAX_BYTES = 512 * 1024


class HostBusy(InputError):
    """The host asked to be left alone (429/5xx) and that time has not passed yet."""

    def __init__(self, host: str, until: float) -> None:
        """The message says how long the host asked to be left alone."""
        super().__init__(f"{host} asked to be left alone for {max(0.0, until - time.time()):.0f} s more")
        self.until = until


class RobotsDisallowed(InputError):
    """robots.txt does not allow this page to be fetched."""


def retry_after(headers: dict[str, str], now: float) -> float | None:
    """The time a ``Retry-After`` header (seconds or an HTTP date) asks to wait until, or None."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return now + float(value)
    try:
        return float(parsedate_to_datetime(value).timestamp())
    except (TypeError, ValueError):
        return None


def backoff_until(now: float, failures: int, base: float, asked: float | None) -> float:
    """When to try again after ``failures`` failures in a row: base × 2^(failures-1), at least what the
    server asked, at most :data:`MAX_BACKOFF`."""
    wait = min(MAX_BACKOFF, base * 2.0 ** max(0, failures - 1))
    if asked is not None:
        wait = max(wait, min(MAX_BACKOFF, asked - now))
    return now + wait


@dataclass
class FetchSettings:
    """The limits every watcher request is made with."""

    allow_private: bool = False
    timeout: float = 15.0
    max_bytes: int = MAX_FETCH_BYTES
    user_agent: str = "factsift-watch"
    per_host_interval: float = 1.0
    error_backoff: float = 60.0


class PoliteFetcher:
    """Thread-safe fetching with per-host spacing, backoff and robots.txt."""

    def __init__(self, settings: FetchSettings) -> None:
        """Per-host locks, next free slots, backoff, and robots.txt parsers by origin."""
        self.settings = settings
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._next_slot: dict[str, float] = {}
        self._busy_until: dict[str, tuple[float, int]] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def _host_lock(self, host: str) -> threading.Lock:
        """The lock that serialises requests to ``host``."""
        with self._lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def busy_until(self, host: str) -> float:
        """Until when ``host`` is left alone (0 if it is not)."""
        return self._busy_until.get(host, (0.0, 0))[0]

    def _get(self, url: str, *, headers: dict[str, str] | None, types: tuple[str, ...], max_bytes: int) -> FetchedPage:
        """One request, after waiting for the host's turn; records 429/5xx backoff for the host."""
        host = host_of(url)
        until = self.busy_until(host)
        if until > time.time():
            raise HostBusy(host, until)
        with self._host_lock(host):
            wait = self._next_slot.get(host, 0.0) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                page = fetch(
                    url,
                    allow_private=self.settings.allow_private,
                    timeout=self.settings.timeout,
                    max_bytes=max_bytes,
                    user_agent=self.settings.user_agent,
                    request_headers=headers,
                    allowed_types=types,
                )
            except HTTPStatusError as exc:
                if exc.status == 429 or exc.status >= 500:
                    now = time.time()
                    failures = self._busy_until.get(host, (0.0, 0))[1] + 1
                    asked = retry_after(exc.headers, now)
                    self._busy_until[host] = (
                        backoff_until(now, failures, self.settings.error_backoff, asked),
                        failures,
                    )
                raise
            finally:
                self._next_slot[host] = time.monotonic() + self.settings.per_host_interval
        self._busy_until.pop(host, None)
        return page

    def fetch_feed(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchedPage:
        """A feed, conditionally: status 304 with no body when the validators still hold."""
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/feed+json, application/xml, */*"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers=headers, types=FEED_TYPES, max_bytes=self.settings.max_bytes * 4)

    def fetch_article(self, url: str) -> FetchedPage:
        """An article page, if robots.txt allows it."""
        if not self.allowed_by_robots(url):
            raise RobotsDisallowed(f"robots.txt of {host_of(url)} does not allow fetching {url}")
        return self._get(
            url,
            headers=None,
            types=("text/html", "application/xhtml+xml", "text/plain"),
            max_bytes=self.settings.max_bytes,
        )

    def allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt lets our user agent fetch ``url`` (read once per origin; a missing file allows all,
        a host that cannot serve it now is tried again later)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._host_lock("robots " + origin):  # one fetch of robots.txt per origin, even from many threads
            return self._robots_allow(origin, url)

    def _robots_allow(self, origin: str, url: str) -> bool:
        """Read (once) and apply the robots.txt of ``origin``."""
        if origin not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                page = self._get(
                    origin + "/robots.txt", headers=None, types=("text/plain",), max_bytes=ROBOTS_MAX_BYTES
                )
                assert parser is not None
                parser.parse(page.body.decode("utf-8", "replace").splitlines())
            except HTTPStatusError as exc:
                if exc.status >= 500 or exc.status == 429:
                    raise
                parser = None  # no robots.txt (404, 403...): everything allowed
            except InputError:
                parser = None  # not a text file, too large, refused: treat as absent
            self._robots[origin] = parser
        robots = self._robots[origin]
        return robots is None or robots.can_fetch(self.settings.user_agent, url)
