"""Server-wide settings for ``factsift serve``: where analyses live and which guards apply."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from factsift.options import default_db_path

MAX_BODY_BYTES = 5 * 1024 * 1024
#: The budget of one analysis on the server: article text length, and seconds (checked between stages).
MAX_TEXT_CHARS = 200_000
ANALYSIS_SECONDS = 120.0
#: Bytes of one uploaded fact-check file at most, once decompressed.
MAX_IMPORT_BYTES = 64 * 1024 * 1024
API_KEYS_ENV = "FACTSIFT_API_KEYS"


def api_keys_from_env(environ: dict[str, str] | None = None) -> frozenset[str]:
    """The API keys in ``$FACTSIFT_API_KEYS`` (comma or whitespace separated); empty means no auth."""
    raw = (os.environ if environ is None else environ).get(API_KEYS_ENV, "")
    return frozenset(key for key in raw.replace(",", " ").split() if key)


@dataclass(frozen=True)
class ServerSettings:
    """How one server runs.  ``db`` is the SQLite file shared with the fact-check store.

    At most ``max_concurrent_analyses`` analyses run at once; the rest wait in arrival order.
    ``rate_limit`` is requests per minute per client (0 turns the limiter off), with bursts of
    up to ``rate_burst`` requests.  When ``api_keys`` is non-empty every write endpoint needs one.
    One analysis may take ``max_text_chars`` characters of article text and ``analysis_seconds``;
    ``X-Forwarded-For`` is believed only from the addresses in ``trusted_proxies`` (none by default).
    """

    db: Path = field(default_factory=default_db_path)
    allow_private: bool = False
    ratings: Path | None = None
    calibration: Path | None = None  # a feed calibration (``factsift risk calibrate``) for every analysis
    fast: bool = False
    max_body_bytes: int = MAX_BODY_BYTES
    rate_limit: int = 120
    rate_burst: int = 60
    api_keys: frozenset[str] = frozenset()
    recent_count: int = 12
    max_concurrent_analyses: int = field(default_factory=lambda: 2 * (os.cpu_count() or 1))
    max_text_chars: int = MAX_TEXT_CHARS
    analysis_seconds: float = ANALYSIS_SECONDS
    max_import_bytes: int = MAX_IMPORT_BYTES
    trusted_proxies: tuple[str, ...] = ()
