"""Settings from outside the call, read once at the edge: an optional ``factsift.toml`` and ``FACTSIFT_*`` variables.

``factsift.analyse`` (and so the CLI, the web server and batch workers) merges these under the
options it is given, so stages only ever read their :class:`~factsift.options.Options`, never the
environment.  The file is ``$FACTSIFT_CONFIG`` (``factsift --config FILE`` sets it) or
``./factsift.toml`` when present; its ``[analysis]`` table holds option names, for example::

    [analysis]
    ratings = "my-ratings.csv"
    db = "sqlite:////srv/factsift/factchecks.db"
    risk_model = "models/my-risk.json.gz"

Precedence: the call's own options, then the environment, then the file.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factsift.errors import InputError

if TYPE_CHECKING:
    from factsift.options import Options

#: Where ``factsift --config FILE`` is passed on (batch workers and servers inherit it).
CONFIG_ENV = "FACTSIFT_CONFIG"
DEFAULT_FILE = Path("factsift.toml")
#: Environment variable -> the option it sets.
ENVIRONMENT: dict[str, str] = {
    "FACTSIFT_CLAIMS_MODEL": "claims_model",
    "FACTSIFT_RISK_MODEL": "risk_model",
}
#: Options read as file paths.
PATH_OPTIONS = frozenset({"ratings", "claims_model", "risk_model"})


def read_file(path: Path) -> dict[str, Any]:
    """The ``[analysis]`` table of a factsift.toml file, as option names and values; InputError if unreadable."""
    from factsift.options import Options

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the configuration file {path}: {exc}") from exc
    section = data.get("analysis", {})
    known = {f.name for f in dataclasses.fields(Options)} - {"extra", "stages"}
    if not isinstance(section, dict) or set(section) - known:
        unknown = sorted(set(section) - known) if isinstance(section, dict) else ["analysis"]
        raise InputError(
            f"{path}: unknown setting(s) {', '.join(unknown)} in [analysis]; known: {', '.join(sorted(known))}"
        )
    return {name: (path.parent / value if name in PATH_OPTIONS else value) for name, value in section.items()}


def edge_options(environ: Mapping[str, str]) -> dict[str, Any]:
    """Options from the configuration file and the environment (the environment wins)."""
    configured = environ.get(CONFIG_ENV)
    if configured:
        options = read_file(Path(configured).expanduser())
    elif DEFAULT_FILE.is_file():
        options = read_file(DEFAULT_FILE.resolve())
    else:
        options = {}
    for variable, name in ENVIRONMENT.items():
        value = environ.get(variable)
        if value:
            options[name] = Path(value).expanduser() if name in PATH_OPTIONS else value
    return options


def options_at_edge(**given: Any) -> Options:
    """Options for one analysis: ``given`` over the environment's and the configuration file's."""
    import os

    from factsift.options import Options

    return Options.from_kwargs(**{**edge_options(os.environ), **given})
