"""The archive contract: what every article-archive backend must do, run on each backend by its URL.

A new backend (``@archive_backend("scheme")``) is added to ``BACKENDS`` below and must pass every test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from factsift.archive.store import ArticleArchive, KeptArticle, open_article_archive
from factsift.plugins import UnknownPluginError

#: Backend name -> the URL of a fresh archive in a folder.
BACKENDS: dict[str, Callable[[Path], str] | None] = {
    "sqlite-path": lambda folder: str(folder / "store.db"),
    "sqlite-url": lambda folder: f"sqlite:////{str(folder / 'store.db').lstrip('/')}",
    "postgresql": None,  # a fresh schema of the session's throwaway cluster (tests/pgcluster.py)
}

WIRE = KeptArticle(
    id="a1",
    url="https://wire.example/denial",
    outlet="wire.example",
    outlet_label="reliable",
    outlet_score=0.9,
    published="2017-01-23",
    title="Pentagon denies strikes with Russia",
    text="The Pentagon denied it coordinated strikes with Russia.",
    claims=("The Pentagon denied it coordinated strikes with Russia.",),
)
GARDEN = KeptArticle(
    id="a2",
    url=None,
    outlet="garden.example",
    outlet_label=None,
    outlet_score=None,
    published=None,
    title=None,
    text="Tomatoes need sun.",
)


@pytest.fixture(params=list(BACKENDS))
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an archive that does not exist yet, for each backend."""
    make = BACKENDS[request.param]
    return str(request.getfixturevalue("postgres_url")) if make is None else make(tmp_path)


@pytest.fixture
def archive(url: str) -> Iterator[ArticleArchive]:
    """A new, empty archive of each backend."""
    opened = open_article_archive(url)
    yield opened
    opened.close()


def test_a_missing_archive_is_not_created_when_only_reading(url: str) -> None:
    with pytest.raises(FileNotFoundError):
        open_article_archive(url, create=False)
    open_article_archive(url).close()
    open_article_archive(url, create=False).close()


def test_an_unknown_scheme_names_the_known_backends() -> None:
    with pytest.raises(
        UnknownPluginError, match="unknown archive backend 'nosuch'; known: sqlite, postgresql, postgres"
    ):
        open_article_archive("nosuch://x")


def test_add_counts_new_changed_and_identical_articles(archive: ArticleArchive) -> None:
    first = archive.add([WIRE, GARDEN])
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    changed = KeptArticle(**{**WIRE.__dict__, "outlet_label": "mixed"})
    second = archive.add([changed, GARDEN])
    assert (second.added, second.updated, second.unchanged) == (0, 1, 1)
    assert archive.get(["a1", "nope"]) == {"a1": changed}


def test_an_article_repeated_in_one_add_counts_against_its_earlier_copy(archive: ArticleArchive) -> None:
    changed = KeptArticle(**{**WIRE.__dict__, "title": "A new headline"})
    counts = archive.add([WIRE, WIRE, changed, GARDEN])
    assert (counts.added, counts.updated, counts.unchanged) == (2, 1, 1)
    assert archive.get(["a1"]) == {"a1": changed}
    assert [row.id for row in archive.index_rows("m")] == ["a1", "a2"]


def test_a_large_add_keeps_every_article_in_order(archive: ArticleArchive) -> None:
    many = [KeptArticle(**{**GARDEN.__dict__, "id": f"g{i:04}", "text": f"Tomatoes {i}."}) for i in range(1203)]
    counts = archive.add([*many, many[0], KeptArticle(**{**many[700].__dict__, "text": "Beans."})])
    assert (counts.added, counts.updated, counts.unchanged) == (1203, 1, 1)
    assert archive.counts().articles == 1203
    assert [row.id for row in archive.index_rows("m")][-2:] == ["g1202", "g0700"]  # the update moved last
    assert archive.get(["g0700"])["g0700"].text == "Beans."


def test_rows_after_a_revision_are_the_changed_ones_in_order(archive: ArticleArchive) -> None:
    assert archive.revision() == 0
    archive.add([WIRE, GARDEN])
    built = archive.revision()
    assert [row.id for row in archive.index_rows("m")] == ["a1", "a2"]
    assert list(archive.index_rows("m", after=built)) == []
    vectors = np.array([[127, 0], [0, -127]], dtype=np.int8)
    archive.put_vectors("m", [("a1", vectors)])
    (row,) = archive.index_rows("m", after=built)
    assert row.id == "a1" and row.claims == WIRE.claims and row.published == "2017-01-23"
    assert row.vectors is not None and row.vectors.tolist() == vectors.tolist()
    assert next(iter(archive.index_rows("other", after=built))).vectors is None


def test_vectors_are_missing_until_put_and_dropped_when_the_words_change(archive: ArticleArchive) -> None:
    archive.add([WIRE, GARDEN])
    assert [a.id for a in archive.missing_vectors("m", 10)] == ["a1", "a2"]
    archive.put_vectors("m", [("a1", np.ones((2, 4), dtype=np.int8)), ("gone", np.ones((1, 4), dtype=np.int8))])
    assert [a.id for a in archive.missing_vectors("m", 10)] == ["a2"]
    archive.add([KeptArticle(**{**WIRE.__dict__, "title": "A new headline"})])
    assert [a.id for a in archive.missing_vectors("m", 10)] == ["a2", "a1"]  # by sequence: a1 changed last


def test_counts_and_stats_cover_a_period(archive: ArticleArchive) -> None:
    other = KeptArticle(**{**WIRE.__dict__, "id": "a3", "outlet": "news.example", "published": "2017-02-10"})
    archive.add([WIRE, GARDEN, other])
    assert archive.counts().articles == 3
    window = archive.counts("2017-01-16", "2017-01-30")
    assert (window.articles, window.outlets) == (1, 1)
    assert archive.counts("2017-01-16", None).outlets == 2
    stats = archive.stats()
    assert (stats["articles"], stats["outlets"], stats["undated"]) == (3, 3, 1)
    assert (stats["first"], stats["last"]) == ("2017-01-23", "2017-02-10")


def test_a_failed_batch_changes_nothing(archive: ArticleArchive) -> None:
    archive.add([GARDEN])

    def broken() -> Iterator[KeptArticle]:
        yield WIRE
        raise RuntimeError("reader failed")

    with pytest.raises(RuntimeError):
        archive.add(broken())
    assert archive.get(["a1"]) == {}
    assert archive.revision() == 1
