"""Shared test fixtures: paths to the bundled sample and the canonical seed page."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

#: The suite's one Hypothesis profile: examples drawn the same way on every run, no deadlines and no health
#: checks that measure time, so a busy machine (CI on 2 shared cores) can make property tests slower but
#: never make them fail.
LOAD_INDEPENDENT = "factsift"
settings.register_profile(
    LOAD_INDEPENDENT,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
settings.load_profile(LOAD_INDEPENDENT)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "examples" / "seed-article.txt"
SAMPLE_HTML = ROOT / "examples" / "sample-article.html"
SAMPLE_TEXT = ROOT / "examples" / "sample-article.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    assert SEED.is_file(), f"the canonical seed page is missing: {SEED}"
    return SEED


#: The example plugin distribution (CONTRIBUTING.md's walkthroughs): its folder holds the package and
#: its ``.dist-info``, so with the folder on ``sys.path`` it is an installed distribution to importlib.
PLUGIN_DIR = Path(__file__).resolve().parent / "plugin_example"


@pytest.fixture
def example_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Install the example plugin distribution for one test, and forget everything it registered afterwards."""
    from factsift import plugins
    from factsift.cli import COMMANDS
    from factsift.cli.render import SECTIONS
    from factsift.factchecks.store import STORE_BACKENDS
    from factsift.pipeline import STAGES
    from factsift.signals.registry import SIGNALS
    from factsift.sources.table import RATING_TABLES, shipped_table

    registries: list[plugins.Registry[Any]] = [STAGES, SIGNALS, COMMANDS, SECTIONS, RATING_TABLES, STORE_BACKENDS]
    for registry in registries:
        registry.load()  # factsift's own first, so the plugin's come after them
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    shipped_table.cache_clear()
    loaded = plugins.load_entry_points(rescan=True)
    assert loaded == ["factsift_example_plugin"]
    yield loaded[0]
    for registry in registries:
        for name, origin in list(registry._origins.items()):
            if origin == loaded[0]:
                registry.remove(name)
    plugins._LOADED_ENTRY_POINTS.discard(loaded[0])
    sys.modules.pop(loaded[0], None)
    shipped_table.cache_clear()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Any]:
    """A throwaway PostgreSQL cluster for the whole session (started on first use, stopped at the end).

    Without PostgreSQL's server binaries this fails, naming the package to install: never a skip.
    """
    from .pgcluster import start_cluster

    try:
        cluster = start_cluster()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield cluster
    from factsift.postgres import close_pools

    close_pools()
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of an empty PostgreSQL store: a new schema of the session's cluster, dropped afterwards."""
    import psycopg

    schema = f"t{next(_SCHEMAS)}"
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    yield postgres_cluster.url(schema)
    from factsift.postgres import close_pools

    close_pools()
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


_SCHEMAS = itertools.count(1)
