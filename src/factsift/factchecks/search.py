"""Search the fact-check store for one piece of text (the CLI's and the web server's entry point).

Results are claim groups (:mod:`.groups`): the reviews of one claim — copies, and several publishers'
checks — listed together with each publisher's verdict and link.  The query's stance towards each
claim is given, and a verdict is marked shown only when the query asserts or relays the claim.
"""

from __future__ import annotations

from typing import Any

from factsift.config import FactchecksConfig
from factsift.factchecks.calibration import load_calibration
from factsift.factchecks.embeddings import RetrievalFiles, resolve_encoder
from factsift.factchecks.groups import group_reviews
from factsift.factchecks.retrieval import Hit, retrieve
from factsift.factchecks.stances import stance_model, verdict_shown
from factsift.factchecks.store import open_store
from factsift.model import MatchStance
from factsift.options import StoreUrl

#: Candidates retrieved per requested group, so that copies and other publishers' reviews can join a group.
CANDIDATES_PER_GROUP = 3


def hit_to_dict(hit: Hit, stance: MatchStance | None = None) -> dict[str, Any]:
    """One hit as JSON-ready data: ``id``, ``score`` (= ``probability``), ``claim_reviewed``, ``verdict``, ``url``,
    ``publisher``, ``date``, ``rating_text``, ``claimant``, ``above_threshold``, ``stance`` and ``shown``."""
    review = hit.review
    return {
        "id": review.id,
        "score": round(hit.probability, 4),
        "probability": round(hit.probability, 4),
        "claim_reviewed": review.claim_reviewed,
        "verdict": review.verdict,
        "url": review.url,
        "publisher": review.publisher,
        "date": review.date,
        "rating_text": review.rating_text,
        "claimant": review.claimant,
        "above_threshold": hit.shown,
        "stance": None if stance is None else {"label": stance.label, "scores": stance.scores},
        "shown": verdict_shown(hit.probability, hit.threshold, stance),
    }


def group_hits(query: str, hits: list[Hit]) -> list[dict[str, Any]]:
    """Hits gathered by claim: each group is its best hit's fields plus ``consensus``, ``disagreement``,
    ``publishers`` (one line naming each publisher's verdict) and ``reviews`` (every hit of the group)."""
    by_id = {hit.review.id: hit for hit in hits}
    predict = stance_model()
    grouped = group_reviews([hit.review for hit in hits])
    pairs = [(group.lead.claim_reviewed, query) for group in grouped]
    stances: list[MatchStance | None] = list(predict(pairs)) if predict is not None and pairs else [None] * len(pairs)
    groups = []
    for group, stance in zip(grouped, stances, strict=True):
        reviews = [hit_to_dict(by_id[review.id], stance) for review in group.reviews]
        groups.append(
            {
                **reviews[0],
                "consensus": group.consensus,
                "disagreement": group.disagreement,
                "publishers": group.summary(),
                "reviews": reviews,
            }
        )
    return groups


def search(
    query: str,
    k: int = 5,
    db: StoreUrl | None = None,
    *,
    embeddings: bool | str | None = None,
    section: FactchecksConfig | None = None,
) -> list[dict[str, Any]]:
    """The ``k`` best claim groups for ``query``, most probable first, as dicts (see :func:`group_hits`).

    An empty or missing store gives an empty list.  ``embeddings`` picks the encoder (None: the
    section's, True: the installed default; False: BM25 alone; a path: that model folder); ``section``
    (e.g. ``config_at_edge().factchecks``) names a user's calibration, adapter and re-ranker.
    """
    section = section or FactchecksConfig()
    setting = embeddings if embeddings is not None else section.embeddings
    try:
        store = open_store(db, create=False)
    except FileNotFoundError:
        return []
    try:
        encoder = resolve_encoder(setting, RetrievalFiles(section.adapter, section.reranker))
        calibration = load_calibration(section.calibration)
        hits = retrieve(store, query, k=k * CANDIDATES_PER_GROUP, encoder=encoder, calibration=calibration)
        return group_hits(query, hits)[:k]
    finally:
        store.close()
