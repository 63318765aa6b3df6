"""The ratings table: the shipped open ratings, curated outlet names, and a user's own list over them.

The shipped table (``data/ratings.csv.gz``, built by :mod:`factsift.sources.build`) holds Lin et
al.'s aggregate ``pc1`` per domain and whether the domain is on the Iffy+ list.  A user's
``--ratings FILE`` (CSV or JSON with ``domain``, ``score``, ``label``, ``note`` and optionally
``name``) is merged over it: a user row replaces the shipped row for its domain, and the report
says which table each rating came from.  An installed plugin adds a whole table with
``@rating_table(name, provenance=...)``: its rows are merged over the shipped ones, under the user's.
"""

from __future__ import annotations

import bisect
import csv
import functools
import gzip
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from factsift.errors import InputError
from factsift.plugins import PluginError, Registry
from factsift.sources.build import DATA_DIR, RATINGS_FILE
from factsift.sources.domains import MalformedDomain, parse_host
from factsift.sources.keys import table_key
from factsift.vocabulary import OUTLET_LABELS, OutletLabel

Label = OutletLabel
LABELS = OUTLET_LABELS
OUTLETS_FILE = DATA_DIR / "outlets.json"
SHIPPED = "shipped"

LIN_CITATION = (
    "Lin, H., Lasser, J., Lewandowsky, S., Cole, R., Gully, A., Rand, D. G., & Pennycook, G. (2023). "
    "High level of correspondence across different news domain quality rating sets. PNAS Nexus, 2(9), pgad286. "
    "https://doi.org/10.1093/pnasnexus/pgad286 (domain and pc1 columns; open-access data)"
)
IFFY_CITATION = (
    "Iffy+ list of low-credibility sites (Iffy.news, 2021 snapshot), as published by OSoMe, Indiana University, "
    "under the MIT licence (Copyright (c) 2023 OSoMe)"
)
LIN_RATER = "Lin et al. 2023 (pc1)"
LIN_SCALE = "0–1, first principal component of six rating sets; higher = better quality"
IFFY_RATER = "Iffy+ (2021)"
IFFY_SCALE = "listed = on the Iffy+ list of low-credibility sites"


@dataclass(frozen=True, slots=True)
class Entry:
    """One table row: a score and/or label for a domain, and where it came from."""

    domain: str
    score: float | None = None
    label: Label | None = None
    iffy: bool = False
    name: str | None = None
    note: str | None = None
    table: str = SHIPPED
    shipped: Entry | None = None


@dataclass
class RatingsTable:
    """Rows by key, curated aliases and names, and the shipped score distribution (for percentiles)."""

    entries: dict[str, Entry]
    aliases: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    alt_names: dict[str, list[str]] = field(default_factory=dict)
    path_hosts: frozenset[str] = frozenset()
    scores: list[float] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)
    user_table: str | None = None
    name_index: dict[str, str] | None = field(default=None, repr=False)

    def percentile(self, score: float) -> float:
        """Share of shipped-rated domains scoring lower than ``score``, in percent."""
        if not self.scores:
            return 0.0
        return round(100.0 * bisect.bisect_left(self.scores, score) / len(self.scores), 1)


def _path_hosts(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(key.split("/", 1)[0] for key in keys if "/" in key)


def _read_outlets(path: Path) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    names: dict[str, str] = {}
    alt_names: dict[str, list[str]] = {}
    for domain, info in raw.items():
        if domain.startswith("_"):
            continue
        names[domain] = info["name"]
        alt_names[domain] = list(info.get("names", []))
        for alias in info.get("aliases", []):
            aliases[alias] = domain
    return aliases, names, alt_names


def read_shipped(path: Path = RATINGS_FILE) -> dict[str, Entry]:
    """Rows of a table written by :func:`factsift.sources.build.build`."""
    entries: dict[str, Entry] = {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            pc1 = row["pc1"]
            entries[row["domain"]] = Entry(
                domain=row["domain"],
                score=float(pc1) if pc1 else None,
                iffy=row["iffy"] == "1",
                name=row["name"] or None,
            )
    return entries


@dataclass(frozen=True)
class RatingTableSpec:
    """A registered ratings table: its name (shown as the rating's table), its citations and its rows."""

    name: str
    provenance: tuple[str, ...]
    rows: Callable[[], Iterable[Entry]]


RATING_TABLES: Registry[RatingTableSpec] = Registry("rating table")


def rating_table(name: str, *, provenance: Iterable[str]) -> Callable[[Callable[[], Iterable[Entry]]], Any]:
    """Register ``rows()`` (yielding :class:`Entry` rows with a domain and a score or label) as a ratings table."""

    def register(rows: Callable[[], Iterable[Entry]]) -> Callable[[], Iterable[Entry]]:
        RATING_TABLES.add(name, RatingTableSpec(name, tuple(provenance), rows), rows.__module__)
        return rows

    return register


@rating_table(SHIPPED, provenance=(LIN_CITATION, IFFY_CITATION))
def shipped_rows() -> Iterable[Entry]:
    """The open ratings that ship with factsift (Lin et al. 2023's pc1 and the Iffy+ list)."""
    return read_shipped().values()


def _plugin_rows(spec: RatingTableSpec, shipped: Mapping[str, Entry]) -> dict[str, Entry]:
    """A plugin table's rows keyed as the shipped ones, each naming its table and the shipped row it replaces."""
    rows: dict[str, Entry] = {}
    for entry in spec.rows():
        try:
            key = table_key(parse_host(entry.domain))
        except MalformedDomain as exc:
            raise PluginError(f"rating table {spec.name!r}: {exc}") from exc
        if entry.score is None and entry.label is None:
            raise PluginError(f"rating table {spec.name!r}: {entry.domain} has neither a score nor a label")
        rows[key] = replace(entry, domain=key, table=spec.name, shipped=shipped.get(key))
    return rows


@functools.cache
def shipped_table() -> RatingsTable:
    """The table that ships with factsift, with installed plugins' tables over it, loaded once per process."""
    specs = RATING_TABLES.items()
    shipped = {entry.domain: entry for entry in specs[SHIPPED].rows()}
    entries = dict(shipped)
    provenance = list(specs[SHIPPED].provenance)
    for name, spec in specs.items():
        if name != SHIPPED:
            entries.update(_plugin_rows(spec, shipped))
            provenance.extend(spec.provenance)
    aliases, names, alt_names = _read_outlets(OUTLETS_FILE)
    scores = sorted(e.score for e in shipped.values() if e.score is not None)
    return RatingsTable(
        entries=entries,
        aliases=aliases,
        names=names,
        alt_names=alt_names,
        path_hosts=_path_hosts(entries),
        scores=scores,
        provenance=provenance,
    )


def _user_rows(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The rows of a user's ratings file, each with where it is (for error messages)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read ratings file {path}: {exc}") from exc
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"ratings file {path} is not valid JSON: {exc}") from exc
        if isinstance(data, dict) and isinstance(data.get("ratings"), list):
            data = data["ratings"]
        elif isinstance(data, dict):
            data = [{"domain": key, **value} if isinstance(value, dict) else None for key, value in data.items()]
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise InputError(
                f"ratings file {path}: expected a list of objects with domain, score, label, note "
                "(or {domain: {score, label, note}})"
            )
        return [(f"entry {number}", cast(dict[str, Any], item)) for number, item in enumerate(data, start=1)]
    # Lines starting with "#" are comments; blanking them keeps the line numbers right.
    lines = ["" if line.lstrip().startswith("#") else line for line in text.splitlines(keepends=True)]
    reader = csv.DictReader(io.StringIO("".join(lines)))
    fields = [name.strip().lower() for name in reader.fieldnames or []]
    if "domain" not in fields:
        raise InputError(f"ratings file {path}: the CSV needs a header row with a 'domain' column")
    return [(f"line {reader.line_num}", {(k or "").strip().lower(): v for k, v in row.items()}) for row in reader]


def _score(value: Any, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: score {value!r} is not a number") from exc
    if not 0.0 <= score <= 1.0:
        raise InputError(f"{where}: score {value!r} is outside 0–1 (higher = more reliable)")
    return score


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_user_ratings(path: Path, shipped: Mapping[str, Entry]) -> dict[str, Entry]:
    """A user's ratings file as table rows; every bad row is an ``InputError`` naming its line."""
    table = f"user:{path}"
    entries: dict[str, Entry] = {}
    for position, row in _user_rows(path):
        where = f"ratings file {path}, {position}"
        domain = _text(row.get("domain"))
        if domain is None:
            raise InputError(f"{where}: no domain")
        try:
            key = table_key(parse_host(domain))
        except MalformedDomain as exc:
            raise InputError(f"{where}: {exc}") from exc
        score = _score(row.get("score"), where)
        label = _text(row.get("label"))
        if label is not None:
            label = label.lower()
            if label not in LABELS:
                raise InputError(f"{where}: label {label!r} is not one of {', '.join(LABELS)}")
        if score is None and label is None:
            raise InputError(f"{where}: give a score (0–1) or a label for {domain}")
        entries[key] = Entry(
            domain=key,
            score=score,
            label=label,
            name=_text(row.get("name")),
            note=_text(row.get("note")),
            table=table,
            shipped=shipped.get(key),
        )
    return entries


@functools.lru_cache(maxsize=8)
def _user_table(path: Path, mtime_ns: int, size: int) -> RatingsTable:
    base = shipped_table()
    user = parse_user_ratings(path, base.entries)
    entries = {**base.entries, **user}
    return RatingsTable(
        entries=entries,
        aliases=base.aliases,
        names=base.names,
        alt_names=base.alt_names,
        path_hosts=_path_hosts(entries),
        scores=base.scores,
        provenance=[*base.provenance, f"your ratings: {path}"],
        user_table=f"user:{path}",
    )


def ratings_table(user_file: Path | None = None) -> RatingsTable:
    """The shipped table, with ``user_file``'s ratings merged over it when given."""
    if user_file is None:
        return shipped_table()
    path = Path(user_file).expanduser()
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read ratings file {path}: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise InputError(f"ratings file {path} is not a file")
    return _user_table(path.resolve(), stat.st_mtime_ns, stat.st_size)
