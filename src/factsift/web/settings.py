"""Server-wide settings for ``factsift serve``: where analyses live and which guards apply."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from factsift.options import StoreUrl, default_store

MAX_BODY_BYTES = 5 * 1024 * 1024
#: The budget of one analysis on the server: article text length, and seconds (checked between stages).
MAX_TEXT_CHARS = 200_000
ANALYSIS_SECONDS = 120.0
#: Bytes of one uploaded fact-check file at most, once decompressed.
MAX_IMPORT_BYTES = 64 * 1024 * 1024
API_KEYS_ENV = "FACTSIFT_API_KEYS"
#: How ``factsift serve --workers N`` hands its settings to the worker processes it starts.
SETTINGS_ENV = "FACTSIFT_SERVE_SETTINGS"


def api_keys_from_env(environ: dict[str, str] | None = None) -> frozenset[str]:
    """The API keys in ``$FACTSIFT_API_KEYS`` (comma or whitespace separated); empty means no auth."""
    raw = (os.environ if environ is None else environ).get(API_KEYS_ENV, "")
    return frozenset(key for key in raw.replace(",", " ").split() if key)


@dataclass(frozen=True)
class ServerSettings:
    """How one server runs.  ``db`` is the store (file or URL) shared with the fact-check store.

    At most ``max_concurrent_analyses`` analyses run at once; the rest wait in arrival order.
    ``rate_limit`` is requests per minute per client (0 turns the limiter off), with bursts of
    up to ``rate_burst`` requests.  When ``api_keys`` is non-empty every write endpoint needs one.
    One analysis may take ``max_text_chars`` characters of article text and ``analysis_seconds``;
    ``X-Forwarded-For`` is believed only from the addresses in ``trusted_proxies`` (none by default).
    With ``keep_articles`` every analysed article (not a short text) is kept in the article archive in ``db``.
    """

    db: StoreUrl = field(default_factory=default_store)
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
    keep_articles: bool = True


def hand_to_workers(settings: ServerSettings) -> None:
    """Put the settings in the environment the worker processes of ``serve --workers N`` inherit."""
    os.environ[SETTINGS_ENV] = settings_to_json(settings)


def settings_from_parent() -> ServerSettings:
    """The settings :func:`hand_to_workers` put in this worker process's environment."""
    return settings_from_json(os.environ[SETTINGS_ENV])


def settings_to_json(settings: ServerSettings) -> str:
    """The settings as JSON (paths as text, sets as lists), for :func:`settings_from_json` in another process."""
    plain = {
        f.name: str(value) if isinstance(value, Path) else sorted(value) if isinstance(value, frozenset) else value
        for f in dataclasses.fields(settings)
        for value in [getattr(settings, f.name)]
    }
    return json.dumps(plain)


def settings_from_json(text: str) -> ServerSettings:
    """The settings :func:`settings_to_json` wrote."""
    plain = json.loads(text)
    for name in ("ratings", "calibration"):
        plain[name] = None if plain[name] is None else Path(plain[name])
    plain["api_keys"] = frozenset(plain["api_keys"])
    plain["trusted_proxies"] = tuple(plain["trusted_proxies"])
    return ServerSettings(**plain)
