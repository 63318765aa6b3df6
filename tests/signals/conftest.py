"""Fixtures for the signal tests."""

from __future__ import annotations

import pytest
from signal_texts import SEED

import factsift
from factsift.model import Report


@pytest.fixture(scope="session")
def seed_report() -> Report:
    """The canonical seed article, analysed once (it lives beside the repository, also in CI)."""
    assert SEED.is_file(), f"the seed article is missing: {SEED}"
    return factsift.analyse(str(SEED))
