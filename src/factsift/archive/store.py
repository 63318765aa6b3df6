"""The archive store interface: what keeping articles and searching them for coverage needs, and nothing else.

An archive is named by a URL whose scheme picks the backend, exactly as the fact-check store is
(:func:`factsift.factchecks.store.parse_store_url`): ``sqlite:///file.db``, ``sqlite:////abs/file.db`` or a
bare path is SQLite (:mod:`factsift.archive.sqlite_store`, the default, the same file as the fact-checks).
Another backend implements :class:`ArticleArchive`, registers with ``@archive_backend("scheme")`` and must
pass the archive contract tests (``tests/archive/test_archive_contract.py``).

The store only keeps rows.  Search is done in-process by :class:`factsift.archive.index.ArchiveIndex`, which
any backend fills through :meth:`ArticleArchive.index_rows` (every row after a sequence number, in order), so
a backend needs no full-text engine of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from factsift.factchecks.store import parse_store_url
from factsift.options import StoreUrl
from factsift.plugins import Registry

#: Unit vectors quantised to int8: ``round(x * VECTOR_SCALE)``; a dot product divided by ``VECTOR_SCALE**2``
#: is the cosine to within about 0.01.
VECTOR_SCALE = 127.0
Int8Matrix = npt.NDArray[np.int8]
#: Claims kept per article (the most check-worthy first); their vectors are kept for the first MAX_CLAIM_VECTORS.
MAX_CLAIMS = 5
MAX_CLAIM_VECTORS = 3


@dataclass(frozen=True)
class KeptArticle:
    """One archived article: where it came from, how reliable its outlet is, when, and what it says.

    ``published`` is an ISO date (``YYYY-MM-DD``) or None; ``claims`` are its top claims, most check-worthy first.
    """

    id: str
    url: str | None
    outlet: str | None
    outlet_label: str | None
    outlet_score: float | None
    published: str | None
    title: str | None
    text: str
    claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexRow:
    """What the in-process index needs of one article: order, identity, outlet, day, words and vectors.

    ``seq`` increases with every change: an article re-added with changes, or given vectors, gets a new one
    (an index reading rows after its last ``seq`` sees it again and replaces what it had);
    ``vectors`` are the int8 rows of its title (first, when it has one) and claims, or None before they exist.
    """

    seq: int
    id: str
    outlet: str | None
    published: str | None
    title: str | None
    claims: tuple[str, ...]
    vectors: Int8Matrix | None


@dataclass
class AddCounts:
    """How a batch of articles changed the archive."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class ArchiveCounts:
    """How much the archive holds for a period: articles and distinct outlets."""

    articles: int
    outlets: int


class ArticleArchive(Protocol):
    """A place that keeps analysed articles with the vectors of their titles and claims."""

    def add(self, articles: Iterable[KeptArticle]) -> AddCounts:
        """Insert new articles and replace changed ones (by id) in one transaction; identical ones are left alone.
        A changed title or claims drops the article's vectors."""
        ...

    def put_vectors(self, model: str, items: Sequence[tuple[str, Int8Matrix]]) -> None:
        """Store the int8 vectors (title first, then claims) of these article ids under ``model``."""
        ...

    def missing_vectors(self, model: str, limit: int) -> list[KeptArticle]:
        """Up to ``limit`` articles that have no vectors under ``model`` yet, oldest first."""
        ...

    def index_rows(self, model: str, after: int = 0) -> Iterator[IndexRow]:
        """Every article whose ``seq`` is above ``after``, by ``seq``, with its vectors under ``model``."""
        ...

    def get(self, ids: Sequence[str]) -> dict[str, KeptArticle]:
        """The articles with these ids (missing ids are absent)."""
        ...

    def counts(self, since: str | None = None, until: str | None = None) -> ArchiveCounts:
        """Articles and outlets published between ``since`` and ``until`` (ISO dates, inclusive; None: open)."""
        ...

    def stats(self) -> dict[str, Any]:
        """Totals: articles, outlets, date range, articles without a date, articles with vectors by model."""
        ...

    def revision(self) -> int:
        """The highest ``seq`` so far (0 when empty): an index built up to it is current."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


#: Opens the archive at a location (the URL after ``scheme://``); ``create=False``: FileNotFoundError if absent.
OpenArchive = Callable[[str, bool], ArticleArchive]
ARCHIVE_BACKENDS: Registry[OpenArchive] = Registry("archive backend")


def archive_backend(scheme: str) -> Callable[[OpenArchive], OpenArchive]:
    """Register ``open(location, create)`` as the archive backend of ``scheme://`` URLs."""
    return ARCHIVE_BACKENDS.decorator(scheme)


def open_article_archive(db: StoreUrl | None = None, *, create: bool = True) -> ArticleArchive:
    """Open the archive at ``db`` (URL or path; None: the default file); ``create=False``: FileNotFoundError if none."""
    scheme, location = parse_store_url(db)
    return ARCHIVE_BACKENDS.get(scheme)(location, create)
