"""The watcher's configuration: a TOML file (feeds, intervals, rules, sinks) merged with command-line flags.

Every key is checked: an unknown key or a bad value is a clear error before anything runs.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factsift.errors import InputError
from factsift.factchecks.verdicts import VERDICTS
from factsift.options import StoreUrl

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(value: object, what: str) -> float:
    """Seconds from ``90``, ``"30s"``, ``"15m"``, ``"24h"`` or ``"7d"``."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    match = _DURATION.match(str(value)) if isinstance(value, str) else None
    if match is None:
        raise InputError(f"{what}: not a duration: {value!r} (write e.g. 30s, 15m, 24h, 7d)")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


@dataclass(frozen=True)
class FeedConfig:
    """One feed to poll (``url``), its display name and its own poll interval."""

    url: str
    name: str | None = None
    interval: float | None = None


@dataclass(frozen=True)
class RuleConfig:
    """An alert rule: every condition given must hold (conditions left out are not checked)."""

    name: str
    risk_at_least: str | None = None
    min_score: float | None = None
    factcheck_verdicts: tuple[str, ...] = ()
    outlet_labels: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    repeated: int | None = None


@dataclass(frozen=True)
class SinkConfig:
    """Where alerts go: ``kind`` is jsonl, webhook or smtp; ``options`` the kind's own settings."""

    name: str
    kind: str
    options: dict[str, Any]


@dataclass
class WatchConfig:
    """Everything one watcher needs."""

    feeds: list[FeedConfig] = field(default_factory=list)
    opml: list[Path] = field(default_factory=list)
    db: StoreUrl | None = None
    interval: float = 900.0
    per_host_interval: float = 1.0
    workers: int = 1
    scheduler: str | None = None
    allow_private: bool = False
    fast: bool = False
    fetch_threads: int = 8
    max_articles_per_cycle: int = 500
    max_attempts: int = 5
    dedup_threshold: float = 0.8
    dedup_window: float = 2 * 86400.0
    base_url: str = ""
    user_agent: str = "factsift-watch/0.1 (+https://github.com/factsift)"
    rules: list[RuleConfig] = field(default_factory=list)
    sinks: list[SinkConfig] = field(default_factory=list)
    #: Keep every analysed article in the article archive (searched for coverage); None: as ``[archive] keep``
    #: of factsift.toml, which is on unless turned off.
    keep_articles: bool | None = None

    def analysis(self) -> dict[str, Any]:
        """The ``analyse()`` options every article is analysed with."""
        options: dict[str, Any] = {"allow_private": self.allow_private, "fast": self.fast}
        if self.db is not None:
            options["db"] = self.db
        return options


_TOP_KEYS = {"watch", "feeds", "rules", "sinks"}
_WATCH_KEYS = {
    "db",
    "interval",
    "per_host_interval",
    "workers",
    "scheduler",
    "allow_private",
    "fast",
    "fetch_threads",
    "max_articles_per_cycle",
    "max_attempts",
    "dedup_threshold",
    "dedup_window",
    "base_url",
    "user_agent",
    "opml",
    "keep_articles",
}
_RULE_KEYS = {"name", "risk_at_least", "min_score", "factcheck_verdicts", "outlet_labels", "keywords", "repeated"}
SINK_KINDS = ("jsonl", "webhook", "smtp")


def _check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    """Refuse keys a table does not know (a typo must not pass silently)."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(allowed))})")


def _strings(value: object, where: str) -> tuple[str, ...]:
    """A string or a list of strings, as a tuple."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: expected a string or a list of strings")
    return tuple(value)


def _rule(table: dict[str, Any], number: int) -> RuleConfig:
    """One ``[[rules]]`` table, checked."""
    where = f"rules[{number}]"
    _check_keys(table, _RULE_KEYS, where)
    risk = table.get("risk_at_least")
    if risk is not None and risk not in ("low", "elevated", "high"):
        raise InputError(f"{where}.risk_at_least must be low, elevated or high, not {risk!r}")
    repeated = table.get("repeated")
    if repeated is not None and (not isinstance(repeated, int) or repeated < 2):
        raise InputError(f"{where}.repeated must be a whole number of at least 2")
    min_score = table.get("min_score")
    if min_score is not None and not (isinstance(min_score, int | float) and 0 <= min_score <= 1):
        raise InputError(f"{where}.min_score must be between 0 and 1")
    verdicts = _strings(table.get("factcheck_verdicts", []), f"{where}.factcheck_verdicts")
    unknown = sorted(set(verdicts) - set(VERDICTS))
    if unknown:
        raise InputError(
            f"{where}.factcheck_verdicts: unknown verdict(s) {', '.join(unknown)} (known: {', '.join(VERDICTS)})"
        )
    rule = RuleConfig(
        name=str(table.get("name") or f"rule-{number + 1}"),
        risk_at_least=risk,
        min_score=float(min_score) if min_score is not None else None,
        factcheck_verdicts=verdicts,
        outlet_labels=_strings(table.get("outlet_labels", []), f"{where}.outlet_labels"),
        keywords=tuple(k.lower() for k in _strings(table.get("keywords", []), f"{where}.keywords")),
        repeated=repeated,
    )
    if rule == RuleConfig(name=rule.name):
        raise InputError(f"{where} ({rule.name}) has no condition: it would alert on every article")
    return rule


def _sink(table: dict[str, Any], number: int) -> SinkConfig:
    """One ``[[sinks]]`` table, checked by building the sink once."""
    kind = table.get("type")
    if kind not in SINK_KINDS:
        raise InputError(f"sinks[{number}].type must be one of {', '.join(SINK_KINDS)}, not {kind!r}")
    options = {k: v for k, v in table.items() if k not in ("type", "name")}
    name = str(table.get("name") or f"{kind}-{number + 1}")
    from factsift.watch.sinks import build_sink

    build_sink(SinkConfig(name, kind, options))  # bad sink settings fail now, not at the first alert
    return SinkConfig(name=name, kind=kind, options=options)


def load_config(path: Path | None) -> WatchConfig:
    """Read a TOML configuration file (None: the defaults)."""
    config = WatchConfig()
    if path is None:
        return config
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not valid TOML: {exc}") from exc
    _check_keys(data, _TOP_KEYS, str(path))
    watch = data.get("watch", {})
    _check_keys(watch, _WATCH_KEYS, f"{path} [watch]")
    for key in ("interval", "per_host_interval", "dedup_window"):
        if key in watch:
            setattr(config, key, parse_duration(watch[key], f"watch.{key}"))
    for key in ("workers", "fetch_threads", "max_articles_per_cycle", "max_attempts"):
        if key in watch:
            if not isinstance(watch[key], int) or watch[key] < (0 if key == "workers" else 1):
                raise InputError(f"watch.{key} must be a whole number of at least {0 if key == 'workers' else 1}")
            setattr(config, key, watch[key])
    for key in ("allow_private", "fast", "keep_articles"):
        if key in watch:
            setattr(config, key, bool(watch[key]))
    for key in ("scheduler", "base_url", "user_agent"):
        if key in watch:
            setattr(config, key, str(watch[key]))
    if "dedup_threshold" in watch:
        config.dedup_threshold = float(watch["dedup_threshold"])
    if "db" in watch:
        db = str(watch["db"])
        config.db = db if "://" in db else (path.parent / db).expanduser()
    for number, feed in enumerate(data.get("feeds", [])):
        _check_keys(feed, {"url", "name", "interval"}, f"feeds[{number}]")
        if not isinstance(feed.get("url"), str):
            raise InputError(f"feeds[{number}] needs a url")
        interval = parse_duration(feed["interval"], f"feeds[{number}].interval") if "interval" in feed else None
        config.feeds.append(FeedConfig(feed["url"].strip(), feed.get("name"), interval))
    config.opml = [path.parent / p for p in _strings(watch.get("opml", []), "watch.opml")]
    config.rules = [_rule(table, n) for n, table in enumerate(data.get("rules", []))]
    config.sinks = [_sink(table, n) for n, table in enumerate(data.get("sinks", []))]
    for option in (s.options for s in config.sinks if s.kind == "jsonl"):
        option["path"] = str(path.parent / str(option["path"]))
    return config
