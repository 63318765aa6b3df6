"""``factsift check --format claimreview``: the fact-checks matched in a report as ClaimReview JSON-LD."""

from __future__ import annotations

from typing import Any

from factsift.factchecks.claimreview import review_to_jsonld
from factsift.factchecks.records import Review
from factsift.model import Report
from factsift.options import Options


def _review_of_match(report: Report, index: int) -> Review:
    match = report.factchecks[index]
    return Review(
        id=match.review_id or f"match-{index}",
        claim_reviewed=match.claim_reviewed,
        verdict=match.verdict,  # type: ignore[arg-type]
        rating_text=match.rating_text,
        publisher=match.publisher,
        url=match.url,
        date=match.date,
        claimant=match.claimant,
        claim_date=match.claim_date,
    )


def claimreview_document(report: Report, options: Options | None = None) -> dict[str, Any]:
    """A JSON-LD ``@graph`` of the distinct matched reviews, best match first, full records from the store.

    Each node is a schema.org ClaimReview; the record's numeric rating comes from the store when the
    store is there, so the export round-trips through ``factsift factchecks import``.
    """
    from factsift.factchecks.store import open_store

    order = sorted(range(len(report.factchecks)), key=lambda i: -report.factchecks[i].score)
    ids = [report.factchecks[i].review_id for i in order]
    stored: dict[str, Review] = {}
    try:
        store = open_store(options.db if options else None, create=False)
    except FileNotFoundError:
        store = None
    if store is not None:
        try:
            stored = store.get([rid for rid in ids if rid])
        finally:
            store.close()
    graph: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index in order:
        review = stored.get(report.factchecks[index].review_id or "") or _review_of_match(report, index)
        if review.id in seen:
            continue
        seen.add(review.id)
        node = review_to_jsonld(review)
        node.pop("@context", None)
        graph.append(node)
    return {"@context": "https://schema.org", "@graph": graph}
