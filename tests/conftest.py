"""Shared test fixtures: paths to the bundled sample and the canonical seed page."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

#: The suite's one Hypothesis profile: no deadlines and no health checks that measure time, so a busy
#: machine (CI on 2 shared cores) can make property tests slower but never make them fail.
LOAD_INDEPENDENT = "factsift"
settings.register_profile(
    LOAD_INDEPENDENT,
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
