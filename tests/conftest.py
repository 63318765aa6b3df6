"""Shared test fixtures: paths to the bundled sample and the canonical seed page."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "examples" / "seed-article.txt"
SAMPLE_HTML = ROOT / "examples" / "sample-article.html"
SAMPLE_TEXT = ROOT / "examples" / "sample-article.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    assert SEED.is_file(), f"the canonical seed page is missing: {SEED}"
    return SEED
