"""Search the fact-check store for one piece of text (the CLI's and the web server's entry point)."""

from __future__ import annotations

from typing import Any

from factsift.factchecks.embeddings import resolve_encoder
from factsift.factchecks.retrieval import Hit, retrieve
from factsift.factchecks.store import open_store
from factsift.options import StoreUrl


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """One hit as JSON-ready data: ``id``, ``score``, ``claim_reviewed``, ``verdict``, ``url``, ``publisher``, ``date``
    plus ``rating_text``, ``claimant`` and ``above_threshold``."""
    review = hit.review
    return {
        "id": review.id,
        "score": round(hit.score, 4),
        "claim_reviewed": review.claim_reviewed,
        "verdict": review.verdict,
        "url": review.url,
        "publisher": review.publisher,
        "date": review.date,
        "rating_text": review.rating_text,
        "claimant": review.claimant,
        "above_threshold": hit.shown,
    }


def search(
    query: str, k: int = 5, db: StoreUrl | None = None, *, embeddings: bool | str | None = None
) -> list[dict[str, Any]]:
    """The ``k`` best fact-checks for ``query``, best first, as dicts (see :func:`hit_to_dict`).

    An empty or missing store gives an empty list.  ``embeddings`` picks the encoder (None/True: the
    installed default or ``$FACTSIFT_EMBEDDINGS``; False: BM25 alone; a path: that model folder).
    """
    try:
        store = open_store(db, create=False)
    except FileNotFoundError:
        return []
    try:
        encoder = resolve_encoder(embeddings)
        return [hit_to_dict(hit) for hit in retrieve(store, query, k=k, encoder=encoder)]
    finally:
        store.close()
