"""One typed configuration, nested per concern, built once at the edge from the call, ``FACTSIFT_*`` and a file.

:func:`config_at_edge` (used by ``factsift.analyse`` and so by the CLI, the web server and batch
workers) merges the call's options over the environment's and an optional ``factsift.toml``'s into
a :class:`Config`; each stage and signal is handed only its own section (:mod:`factsift.context`),
so none reads the environment.  The file is ``$FACTSIFT_CONFIG`` (``factsift --config FILE`` sets
it) or ``./factsift.toml`` when present; its ``[analysis]`` table holds option names (the fields
of :class:`~factsift.options.Options`) and the other tables are sections, for example::

    [analysis]
    ratings = "my-ratings.csv"
    db = "sqlite:////srv/factsift/factchecks.db"

    [risk]
    model = "models/my-risk.json.gz"

    [factchecks]
    calibration = "models/factcheck-calibration.json"

    [signals.clickbait_headline]
    model = "models/clickbait.json.gz"

    [archive]
    keep = false  # the watcher and the web app do not keep what they analyse

    [coverage]
    days = 7

Precedence: the call's own options, then the environment, then the file.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factsift.errors import InputError

if TYPE_CHECKING:
    from factsift.options import Options, StoreUrl

#: Where ``factsift --config FILE`` is passed on (batch workers and servers inherit it).
CONFIG_ENV = "FACTSIFT_CONFIG"
DEFAULT_FILE = Path("factsift.toml")
#: Environment variable -> the option it sets.
ENVIRONMENT: dict[str, str] = {
    "FACTSIFT_DB": "db",  # a path or a store URL (postgresql://…): kept as text, the store parses it
    "FACTSIFT_CLAIMS_MODEL": "claims_model",
    "FACTSIFT_RISK_MODEL": "risk_model",
    "FACTSIFT_EMBEDDINGS": "embeddings",
}
#: Environment variable -> the section setting (``section.key`` or ``signals.NAME.key``) it sets; all are files.
SECTION_ENVIRONMENT: dict[str, str] = {
    "FACTSIFT_FACTCHECK_CALIBRATION": "factchecks.calibration",
    "FACTSIFT_FACTCHECK_RERANKER": "factchecks.reranker",
    "FACTSIFT_FACTCHECK_ADAPTER": "factchecks.adapter",
    "FACTSIFT_SIGNALS_CALIBRATION": "signals.calibration",
    "FACTSIFT_CLICKBAIT_MODEL": "signals.clickbait_headline.model",
}
#: Options read as file paths.
PATH_OPTIONS = frozenset({"ratings", "claims_model", "risk_model"})
#: Section settings that are also options: ``[risk] model`` is the option ``risk_model``.
SECTION_OPTIONS: dict[str, str] = {
    "sources.ratings": "ratings",
    "claims.model": "claims_model",
    "factchecks.db": "db",
    "risk.model": "risk_model",
    "risk.base_rate": "base_rate",
    "risk.calibration": "calibration",
}
#: The ``[coverage]`` settings: the days searched either side of the article's date, and the archive (a URL or
#: a path; default: the store of the fact-checks, ``db``).
COVERAGE_SETTINGS = frozenset({"coverage.days", "coverage.archive"})
#: The section settings that are files and not options.
SECTION_FILES = frozenset(
    {"factchecks.calibration", "factchecks.reranker", "factchecks.adapter", "signals.calibration"}
)
#: The section settings that are plain values (neither options nor files).
SECTION_VALUES = frozenset({"archive.keep"})


@dataclass(frozen=True)
class SourcesConfig:
    """The ``sources`` stage: a user's ratings file merged over the shipped table."""

    ratings: Path | None = None


@dataclass(frozen=True)
class ClaimsConfig:
    """The ``claims`` stage: a user's check-worthiness model (None: shipped) and whether the second stage may run."""

    model: Path | None = None
    embeddings: bool | str = True
    fast: bool = False


@dataclass(frozen=True)
class FactchecksConfig:
    """The ``factchecks`` stage: the store, the embedding model, and a user's calibration, re-ranker and adapter."""

    db: StoreUrl | None = None
    embeddings: bool | str = True
    fast: bool = False
    calibration: Path | None = None
    reranker: Path | None = None
    adapter: Path | None = None


@dataclass(frozen=True)
class SignalConfig:
    """One signal's section (``[signals.NAME]``): a calibration file, a model file, and its own other settings."""

    calibration: Path | None = None
    model: Path | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SignalsConfig:
    """The ``signals`` stage: a calibration file for all signals and each signal's own section by name."""

    calibration: Path | None = None
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> SignalConfig:
        """The section of the signal called ``name`` (defaults when it has none)."""
        own = dict(self.sections.get(name, {}))
        model = own.pop("model", None)
        calibration = own.pop("calibration", None) or self.calibration
        return SignalConfig(
            calibration=Path(calibration) if calibration else None,
            model=Path(model) if model else None,
            settings=own,
        )


@dataclass(frozen=True)
class CoverageConfig:
    """The ``coverage`` stage: the archive searched (None: the default store), the days either side of the
    article's date, and whether the dense re-ranking may run (``embeddings``, ``fast``)."""

    archive: StoreUrl | None = None
    days: int = 7
    embeddings: bool | str = True
    fast: bool = False


@dataclass(frozen=True)
class RiskConfig:
    """The ``risk`` stage: a user's model (None: shipped), and the feed's base rate or calibration."""

    model: Path | None = None
    base_rate: float | None = None
    calibration: Path | None = None


@dataclass(frozen=True)
class ArchiveConfig:
    """The article archive: whether the watcher and the web app keep every article they analyse (in the store)."""

    keep: bool = True


@dataclass(frozen=True)
class Config:
    """Everything one analysis is steered by, a section per concern; ``options`` keeps the flat form
    (input and budget settings read by ingest and the pipeline itself)."""

    options: Options
    sources: SourcesConfig = SourcesConfig()
    claims: ClaimsConfig = ClaimsConfig()
    factchecks: FactchecksConfig = FactchecksConfig()
    signals: SignalsConfig = SignalsConfig()
    coverage: CoverageConfig = CoverageConfig()
    risk: RiskConfig = RiskConfig()
    archive: ArchiveConfig = ArchiveConfig()
    #: Installed stages' own sections (``[stages.NAME]`` tables), by stage name.
    stages: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def section(self, stage: str) -> object:
        """The section handed to the stage called ``stage``: factsift's own by attribute, a plugin's from ``stages``."""
        if stage in {"sources", "claims", "factchecks", "signals", "coverage", "risk"}:
            return getattr(self, stage)
        return self.stages.get(stage, {})

    @classmethod
    def from_options(cls, options: Options, sections: Mapping[str, Mapping[str, Any]] | None = None) -> Config:
        """The nested configuration of ``options`` and the sections' settings that are not options."""
        sections = sections or {}
        factchecks = {k: Path(v) for k, v in sections.get("factchecks", {}).items()}
        signals = dict(sections.get("signals", {}))
        calibration = signals.pop("calibration", None)
        embeddings = options.embeddings
        keep = sections.get("archive", {}).get("keep", True)
        if not isinstance(keep, bool):
            raise InputError(f"[archive] keep must be true or false, not {keep!r}")
        coverage = dict(sections.get("coverage", {}))
        return cls(
            options=options,
            sources=SourcesConfig(ratings=options.ratings),
            claims=ClaimsConfig(model=options.claims_model, embeddings=embeddings, fast=options.fast),
            factchecks=FactchecksConfig(db=options.db, embeddings=embeddings, fast=options.fast, **factchecks),
            signals=SignalsConfig(calibration=Path(calibration) if calibration else None, sections=signals),
            coverage=CoverageConfig(
                archive=coverage.get("archive", options.db),
                days=coverage_days(coverage.get("days", 7)),
                embeddings=embeddings,
                fast=options.fast,
            ),
            risk=RiskConfig(model=options.risk_model, base_rate=options.base_rate, calibration=options.calibration),
            archive=ArchiveConfig(keep=keep),
            stages=dict(sections.get("stages", {})),
        )


Sections = dict[str, dict[str, Any]]


def coverage_days(value: Any) -> int:
    """``[coverage] days``: a whole number of days from 0 to 3650; InputError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
        raise InputError(f"[coverage] days must be a whole number of days from 0 to 3650, got {value!r}")
    return value


def _section_setting(name: str, value: Any, folder: Path, options: dict[str, Any], sections: Sections) -> str | None:
    """File one ``section.key`` setting (paths relative to ``folder``) as an option or section; its name if unknown."""
    if name in SECTION_OPTIONS:
        option = SECTION_OPTIONS[name]
        options[option] = folder / value if option in PATH_OPTIONS or option == "calibration" else value
    elif name in COVERAGE_SETTINGS:
        key = name.split(".")[1]
        is_path = key == "archive" and "://" not in str(value)
        sections.setdefault("coverage", {})[key] = folder / value if is_path else value
    elif name in SECTION_FILES or name in SECTION_VALUES:
        section, key = name.split(".")
        sections.setdefault(section, {})[key] = folder / value if name in SECTION_FILES else value
    elif name.count(".") == 2 and name.split(".")[0] in {"signals", "stages"}:
        kind, plugin, key = name.split(".")
        own = sections.setdefault(kind, {}).setdefault(plugin, {})
        own[key] = folder / value if kind == "signals" and key in {"model", "calibration"} else value
    else:
        return name
    return None


def read_file(path: Path) -> tuple[dict[str, Any], Sections]:
    """A factsift.toml file's option values (``[analysis]`` and the sections' option settings) and its other
    section settings; InputError if unreadable or a setting is unknown."""
    from factsift.options import Options

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the configuration file {path}: {exc}") from exc
    section = data.pop("analysis", {})
    known = {f.name for f in dataclasses.fields(Options)} - {"extra", "stages"}
    if not isinstance(section, dict) or set(section) - known:
        unknown = sorted(set(section) - known) if isinstance(section, dict) else ["analysis"]
        raise InputError(
            f"{path}: unknown setting(s) {', '.join(unknown)} in [analysis]; known: {', '.join(sorted(known))}"
        )
    options = {name: (path.parent / value if name in PATH_OPTIONS else value) for name, value in section.items()}
    sections: Sections = {}
    unknown = [
        bad
        for name, value in _flatten(data)
        if (bad := _section_setting(name, value, path.parent, options, sections)) is not None
    ]
    if unknown:
        known_names = sorted(
            [
                *SECTION_OPTIONS,
                *SECTION_FILES,
                *SECTION_VALUES,
                *COVERAGE_SETTINGS,
                "signals.NAME.KEY",
                "stages.NAME.KEY",
            ]
        )
        raise InputError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(known_names)}")
    return options, sections


def _flatten(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``(dotted.name, value)`` for every setting in nested tables."""
    items: list[tuple[str, Any]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            items.extend(_flatten(value, f"{prefix}{key}."))
        else:
            items.append((f"{prefix}{key}", value))
    return items


def read_edge(environ: Mapping[str, str]) -> tuple[dict[str, Any], Sections]:
    """Options and section settings from the configuration file and the environment (the environment wins)."""
    configured = environ.get(CONFIG_ENV)
    if configured:
        options, sections = read_file(Path(configured).expanduser())
    elif DEFAULT_FILE.is_file():
        options, sections = read_file(DEFAULT_FILE.resolve())
    else:
        options, sections = {}, {}
    for variable, name in ENVIRONMENT.items():
        value = environ.get(variable)
        if value:
            options[name] = Path(value).expanduser() if name in PATH_OPTIONS else value
    for variable, name in SECTION_ENVIRONMENT.items():
        value = environ.get(variable)
        if value:
            _section_setting(name, Path(value).expanduser(), Path("."), options, sections)
    return options, sections


def edge_options(environ: Mapping[str, str]) -> dict[str, Any]:
    """Options from the configuration file and the environment (the environment wins)."""
    return read_edge(environ)[0]


def options_at_edge(**given: Any) -> Options:
    """Options for one analysis: ``given`` over the environment's and the configuration file's."""
    return config_at_edge(**given).options


def config_at_edge(**given: Any) -> Config:
    """The configuration of one analysis: the options ``given`` over the environment's and the file's."""
    from factsift.options import Options

    options, sections = read_edge(os.environ)
    return Config.from_options(Options.from_kwargs(**{**options, **given}), sections)


def encoder_threads(default: int) -> int:
    """Threads per onnxruntime session: ``$FACTSIFT_ENCODER_THREADS`` when set to a number, else ``default``."""
    configured = os.environ.get("FACTSIFT_ENCODER_THREADS", "")
    return int(configured) if configured.isdigit() else default


def cache_home() -> Path:
    """The user's cache folder: ``$XDG_CACHE_HOME``, else ``~/.cache``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
