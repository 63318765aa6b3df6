"""Archives of each backend for the coverage tests (SQLite file and a PostgreSQL schema of the test cluster)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from factsift.archive.store import ArticleArchive, open_article_archive


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new archive of each backend."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return str(tmp_path / "store.db")


@pytest.fixture
def archive(archive_url: str) -> Iterator[ArticleArchive]:
    """A new, empty archive of each backend."""
    opened = open_article_archive(archive_url)
    yield opened
    opened.close()
