"""Import fact-check files into the store: all files validated first, then written in one transaction.

A file that is not JSON-LD/JSONL/CSV raises :class:`InputError` before anything is written, so the
store is left exactly as it was.  A bad record is skipped and named with its position.  Records are
matched by id, so importing the same file twice adds nothing (``unchanged`` counts those).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from factsift.factchecks.embeddings import Encoder, resolve_encoder
from factsift.factchecks.formats import MAX_FILE_BYTES, ParsedFile, parse_file
from factsift.factchecks.records import Review
from factsift.factchecks.store import Store, UpsertCounts, open_store, title_key
from factsift.options import StoreUrl

log = logging.getLogger(__name__)
BATCH = 2000
EMBED_BATCH = 256


@dataclass
class ImportSummary:
    """What an import did: records added, updated, skipped as invalid (with one message each), unchanged."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    unchanged: int = 0
    embedded: int = 0

    def line(self) -> str:
        """One line for a person: the counts, in the order people ask for them."""
        text = f"added {self.added}, updated {self.updated}, skipped {self.skipped}, unchanged {self.unchanged}"
        return text + (f", embedded {self.embedded}" if self.embedded else "")


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        disable=not enabled,
        transient=True,
    )


def embed_missing(store: Store, encoder: Encoder, *, progress: bool = False) -> int:
    """Compute and store the claim and title vectors that records lack from ``encoder``; return how many records
    got a claim vector."""
    done = 0
    for part, key in (("claim", encoder.model_id), ("title", title_key(encoder.model_id))):
        pending = list(store.missing_embeddings(key, part))
        if not pending:
            continue
        with _progress(progress) as bar:
            task = bar.add_task(f"embedding {part}s", total=len(pending))
            for start in range(0, len(pending), EMBED_BATCH):
                chunk = pending[start : start + EMBED_BATCH]
                vectors = encoder.encode([text for _, text in chunk])
                store.put_embeddings(key, [rid for rid, _ in chunk], vectors)
                bar.advance(task, len(chunk))
        done += len(pending) if part == "claim" else 0
    return done


def write_records(store: Store, records: Sequence[Review], *, progress: bool = False) -> UpsertCounts:
    """Upsert ``records`` in batches inside the caller's transaction, with a progress bar for big files."""
    total = UpsertCounts()
    with _progress(progress and len(records) > BATCH) as bar:
        task = bar.add_task("importing fact-checks", total=len(records))
        for start in range(0, len(records), BATCH):
            counts = store.upsert(records[start : start + BATCH])
            total.added += counts.added
            total.updated += counts.updated
            total.unchanged += counts.unchanged
            bar.advance(task, min(BATCH, len(records) - start))
    return total


def import_files(
    paths: Sequence[Path],
    db: StoreUrl | None = None,
    progress: bool = False,
    *,
    embeddings: bool | str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> ImportSummary:
    """Import ClaimReview files (JSON-LD, JSONL, CSV) into the store at ``db`` (default store when None).

    Raises InputError, leaving the store unchanged, when any file cannot be read as a fact-check file.
    With an embedding model available (``embeddings``: None/True = the installed default, a folder
    path, or False), records without an embedding get one after the import.  A file of more than
    ``max_bytes`` once decompressed is refused (a gzip bomb is stopped one byte past it).
    """
    # may raise: nothing written yet
    parsed: list[ParsedFile] = [parse_file(Path(p), max_bytes=max_bytes) for p in paths]
    summary = ImportSummary()
    records: dict[str, Review] = {}
    for result in parsed:
        summary.errors.extend(result.errors)
        for review in result.records:
            records[review.id] = review  # the same id twice in one import: the last one wins
    summary.skipped = len(summary.errors)
    encoder = resolve_encoder(embeddings) if embeddings is not False else None
    store = open_store(db)
    try:
        with store.transaction():
            counts = write_records(store, list(records.values()), progress=progress)
        summary.added, summary.updated, summary.unchanged = counts.added, counts.updated, counts.unchanged
        if encoder is not None:
            summary.embedded = embed_missing(store, encoder, progress=progress)
    finally:
        store.close()
    log.info("fact-check import: %s", summary.line())
    return summary
