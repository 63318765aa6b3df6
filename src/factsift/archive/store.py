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

import hashlib
import json
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


#: The columns a backend stores an article in, in this order (``claims`` as a JSON list): see :func:`kept_from_row`.
ARTICLE_COLUMNS = "id, url, outlet, outlet_label, outlet_score, published, title, text, claims"
#: What a backend reads back to judge a re-added article: its content hash, title and claims (JSON).
StoredVersion = tuple[str, str | None, str]


def content_hash(article: KeptArticle) -> str:
    """A digest of everything stored about an article (an identical re-add changes nothing)."""
    fields: list[Any] = [article.url, article.outlet, article.outlet_label, article.outlet_score, article.published]
    fields += [article.title, article.text, list(article.claims)]
    return hashlib.sha1(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def kept_from_row(row: Sequence[Any]) -> KeptArticle:
    """A :class:`KeptArticle` from a row of :data:`ARTICLE_COLUMNS`."""
    identifier, url, outlet, label, score, published, title, text, claims = row
    return KeptArticle(identifier, url, outlet, label, score, published, title, text, tuple(json.loads(claims)))


@dataclass(frozen=True)
class ArticleWrite:
    """One article a backend must write: its row of :data:`ARTICLE_COLUMNS`, its content hash, and whether its
    stored vectors went stale (an update whose title or claims changed)."""

    row: tuple[Any, ...]
    digest: str
    stale: bool

    @property
    def version(self) -> StoredVersion:
        """What a later re-add of the same id within one ``add`` is judged against."""
        return self.digest, self.row[6], self.row[8]


def article_write(article: KeptArticle, stored: StoredVersion | None, counts: AddCounts) -> ArticleWrite | None:
    """Judge ``article`` against its stored version (None: not stored) and count it in ``counts`` as added, updated
    or unchanged: None when unchanged (nothing to write), else what to write."""
    digest = content_hash(article)
    if stored is not None and stored[0] == digest:
        counts.unchanged += 1
        return None
    claims = json.dumps(list(article.claims), ensure_ascii=False)
    columns = (article.url, article.outlet, article.outlet_label, article.outlet_score, article.published)
    row = (article.id, *columns, article.title, article.text, claims)
    if stored is None:
        counts.added += 1
        return ArticleWrite(row, digest, stale=False)
    counts.updated += 1
    return ArticleWrite(row, digest, stale=(stored[1], stored[2]) != (article.title, claims))


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
