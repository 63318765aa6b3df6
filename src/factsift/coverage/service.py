"""Opening an archive with its index for coverage searches: the stage, ``factsift coverage search`` and the web API."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from factsift.archive.index import NO_MODEL, ArchiveIndex, Encoder
from factsift.archive.store import ArticleArchive, open_article_archive
from factsift.config import CoverageConfig
from factsift.coverage.search import CoverageFinder, Window
from factsift.errors import InputError
from factsift.model import CoverageMatch
from factsift.options import StoreUrl


@dataclass
class OpenArchive:
    """An analyser's archive connection and its index (kept between articles)."""

    archive: ArticleArchive | None
    index: ArchiveIndex


def archive_encoder(config: CoverageConfig) -> Encoder | None:
    """The shared sentence encoder when embeddings are wanted and installed, else None (lexical retrieval only)."""
    if config.fast or config.embeddings is False:
        return None
    from factsift.encoder.runtime import shared_encoder

    return shared_encoder()


def open_archive(location: StoreUrl | None, encoder: Encoder | None) -> OpenArchive:
    """The archive at ``location`` with an empty index (archive None when there is no such store)."""
    index = ArchiveIndex(encoder.model_id if encoder is not None else NO_MODEL)
    try:
        return OpenArchive(open_article_archive(location, create=False), index)
    except FileNotFoundError:
        return OpenArchive(None, index)


_SEARCHERS: dict[tuple[str, str], OpenArchive] = {}
_SEARCHERS_LOCK = threading.Lock()


def search_archive(
    location: StoreUrl, claim: str, since: str | None, until: str | None, limit: int, config: CoverageConfig
) -> tuple[list[CoverageMatch], Window]:
    """Search the archive at ``location`` for ``claim`` (its index kept for this process's next searches);
    InputError when there is no archive or the claim is empty."""
    if not claim.strip():
        raise InputError("the claim is empty: give the words to search for")
    if since and until and since > until:
        raise InputError(f"the period starts ({since}) after it ends ({until})")
    encoder = archive_encoder(config)
    key = (str(location), encoder.model_id if encoder is not None else NO_MODEL)
    with _SEARCHERS_LOCK:
        opened = _SEARCHERS.get(key)
        if opened is None or opened.archive is None:
            opened = _SEARCHERS[key] = open_archive(location, encoder)
    if opened.archive is None:
        raise InputError("there is no archive yet: add articles with 'factsift archive add'")
    opened.index.refresh(opened.archive)
    return CoverageFinder(opened.archive, opened.index, encoder).search(claim, since, until, limit)
