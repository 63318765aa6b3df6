"""``factsift serve``: run the web page and JSON API on one port."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path
from typing import Any

from factsift.cli import Commands, cli_commands, store_url
from factsift.errors import InputError
from factsift.web.settings import (
    ANALYSIS_SECONDS,
    MAX_TEXT_CHARS,
    ServerSettings,
    api_keys_from_env,
    hand_to_workers,
)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_serve(args: argparse.Namespace) -> int:
    """Start the server in the foreground until interrupted."""
    import uvicorn

    from factsift.config import config_at_edge
    from factsift.factchecks.store import parse_store_url, store_path
    from factsift.options import default_store
    from factsift.web.app import create_app

    if not 0 < args.port < 65536:
        raise InputError(f"--port must be between 1 and 65535, not {args.port}")
    if args.max_analyses is not None and args.max_analyses < 1:
        raise InputError("--max-analyses must be at least 1")
    if args.rate_limit < 0:
        raise InputError("--rate-limit cannot be negative")
    if args.calibration is not None:
        from factsift.scoring.feedcalibration import read_calibration

        read_calibration(args.calibration)  # a bad file stops the server before it starts, with its reason
    if args.max_text_chars < 1 or args.time_budget <= 0:
        raise InputError("--max-text-chars and --time-budget must be positive")
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    settings = ServerSettings(
        db=args.db or default_store(),
        allow_private=args.allow_private,
        ratings=args.ratings,
        calibration=args.calibration,
        fast=args.fast,
        rate_limit=args.rate_limit,
        rate_burst=max(1, args.rate_limit // 2),
        api_keys=api_keys_from_env(),
        max_text_chars=args.max_text_chars,
        analysis_seconds=args.time_budget,
        trusted_proxies=tuple(args.trusted_proxy),
        keep_articles=not args.no_keep and config_at_edge().archive.keep,
        **({"max_concurrent_analyses": args.max_analyses} if args.max_analyses else {}),
    )
    try:
        app = create_app(settings)
    except OSError as exc:
        raise InputError(f"cannot open the store {store_path(settings.db)}: {exc}") from exc
    if not _is_loopback(args.host) and not settings.api_keys:
        print(
            f"factsift: warning: serving on {args.host} without API keys: anyone who can reach it can run analyses "
            "(set FACTSIFT_API_KEYS to require a key for writes)",
            file=sys.stderr,
        )
    workers = args.workers
    if workers > 1 and parse_store_url(settings.db)[0] == "sqlite":
        print(
            f"factsift: serving with one process, not {workers}: a SQLite file takes one writer at a time and each "
            "process would wait for the others' writes; use a PostgreSQL store (--db postgresql://…) for --workers",
            file=sys.stderr,
        )
        workers = 1
    where = f"http://{args.host}:{args.port}/"
    print(
        f"factsift: serving on {where} (store: {store_path(settings.db)}"
        + (f", {workers} processes)" if workers > 1 else ")"),
        file=sys.stderr,
        flush=True,
    )
    options = uvicorn_options(settings, args.host, args.port, verbose=args.verbose)
    if workers == 1:
        uvicorn.run(app, **options)
    else:  # each worker process builds its own app (and database pool) from the settings handed down
        hand_to_workers(settings)
        uvicorn.run("factsift.web.app:app_from_environment", factory=True, workers=workers, **options)
    return 0


def uvicorn_options(settings: ServerSettings, host: str, port: int, *, verbose: bool = False) -> dict[str, Any]:
    """uvicorn's settings: ``X-Forwarded-For`` is believed only from the configured proxies.

    uvicorn trusts it from 127.0.0.1 by default, which lets any local client (or a proxy that
    passes the header through) pick a fresh client address per request and escape the rate limit.
    """
    return {
        "host": host,
        "port": port,
        "log_level": "info" if verbose else "warning",
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": ",".join(settings.trusted_proxies) or "",
    }


def register(commands: Commands) -> None:
    parser = commands.add(
        "serve",
        run_serve,
        help="run the web page and JSON API",
        description="Serve the web page (/) and the JSON API (/api/v1, spec at /api/v1/openapi.json).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--db",
        type=store_url,
        metavar="PATH|URL",
        help="store for analyses and fact-checks: a SQLite file, sqlite:///file.db or postgresql://user@host/db "
        "(default: $FACTSIFT_DB or the user data dir)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes sharing the port (PostgreSQL stores only; default: 1)",
    )
    parser.add_argument("--allow-private", action="store_true", help="allow fetching private/loopback addresses")
    parser.add_argument(
        "--ratings", type=Path, help="your own outlet ratings (CSV or JSON), merged over the shipped table"
    )
    parser.add_argument(
        "--calibration",
        type=Path,
        metavar="FILE",
        help="risk calibration fitted on labelled articles of your feed (`factsift risk calibrate`)",
    )
    parser.add_argument("--fast", action="store_true", help="skip the slowest analysis steps for every request")
    parser.add_argument(
        "--no-keep",
        action="store_true",
        help="do not keep analysed articles in the article archive (default: keep, unless [archive] keep = false)",
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=120,
        metavar="N",
        help="requests per minute per client (API key, else IP address); 0 turns the limit off (default: 120)",
    )
    parser.add_argument(
        "--max-analyses",
        type=int,
        metavar="N",
        help="analyses run at once; more wait in arrival order (default: twice the number of CPUs)",
    )
    parser.add_argument(
        "--max-text-chars",
        type=int,
        default=MAX_TEXT_CHARS,
        metavar="N",
        help=f"longest article text one analysis takes, in characters (default: {MAX_TEXT_CHARS:,})",
    )
    parser.add_argument(
        "--time-budget",
        type=float,
        default=ANALYSIS_SECONDS,
        metavar="SECONDS",
        help=f"time one analysis may take before it is stopped with 503 (default: {ANALYSIS_SECONDS:g})",
    )
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="a reverse proxy whose X-Forwarded-For header is believed (repeatable; default: none)",
    )


cli_commands("serve")(register)
