"""Shared fixtures for the fact-check tests: fixture files, a fresh store, and the optional embedding model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read or write the user's real store or settings."""
    monkeypatch.setenv("FACTSIFT_DB", str(tmp_path / "default.db"))
    monkeypatch.delenv("FACTSIFT_EMBEDDINGS", raising=False)
    monkeypatch.delenv("FACTSIFT_FACTCHECK_CALIBRATION", raising=False)


@pytest.fixture(scope="session")
def encoder():  # type: ignore[no-untyped-def]
    """The bundled embedding model. CI installs the ``embeddings`` extra, so there a missing model is a failure."""
    from factsift.factchecks.embeddings import bundled_model_dir, load_bundled

    if bundled_model_dir() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install factsift[embeddings] (see .ci/run)")
        pytest.skip("the embeddings extra is not installed here (CI installs it)")
    return load_bundled()
