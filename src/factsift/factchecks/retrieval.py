"""Hybrid retrieval: BM25 candidates + dense candidates, fused by reciprocal rank, then re-scored.

1. BM25 over the FTS5 index (the claim's content words, OR-ed) gives up to ``CANDIDATES`` records;
   nearest neighbours of the claim's embedding give as many more (when an embedding model is there).
2. Reciprocal rank fusion (``1 / (60 + rank)`` summed over the two lists) merges them.
3. Every fused candidate is re-scored by a logistic model over its features (BM25, word overlap both
   ways, fused rank, cosine) into a calibrated probability that it reviews the same claim; hits are
   returned best first by that probability.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from factsift.factchecks.calibration import Calibration, load_calibration
from factsift.factchecks.embeddings import Encoder
from factsift.factchecks.records import Review
from factsift.factchecks.store import Matrix, Store
from factsift.factchecks.terms import content_terms, stems

CANDIDATES = 30
RRF_K = 60


@dataclass
class Hit:
    """One stored fact-check retrieved for a query, with its calibrated score and the evidence for it."""

    review: Review
    score: float
    features: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5

    @property
    def shown(self) -> bool:
        """Whether the score clears the display threshold."""
        return self.score >= self.threshold


@dataclass
class Candidates:
    """The raw candidate lists for one query, before fusion (kept apart so training can reuse them)."""

    keyword: list[tuple[str, float]]
    dense: list[tuple[str, float]]
    cosine: dict[str, float]
    terms: list[str]


def dense_search(store: Store, encoder: Encoder, vector: Matrix, limit: int) -> list[tuple[str, float]]:
    """The ``limit`` stored records nearest to ``vector`` (cosine, best first)."""
    ids, matrix = store.embeddings(encoder.model_id)
    if not ids:
        return []
    sims = matrix @ vector
    limit = min(limit, len(ids))
    top = np.argpartition(-sims, limit - 1)[:limit]
    top = top[np.argsort(-sims[top])]
    return [(ids[i], float(sims[i])) for i in top]


def gather(
    store: Store, query: str, *, encoder: Encoder | None, vector: Matrix | None = None, limit: int = CANDIDATES
) -> Candidates:
    """BM25 and dense candidate lists for ``query`` (dense only with an encoder)."""
    terms = content_terms(query)
    keyword = store.keyword_search(terms, limit)
    dense: list[tuple[str, float]] = []
    if encoder is not None:
        if vector is None:
            vector = encoder.encode([query])[0]
        dense = dense_search(store, encoder, vector, limit)
    return Candidates(keyword=keyword, dense=dense, cosine=dict(dense), terms=terms)


def fuse(keyword: list[tuple[str, float]], dense: list[tuple[str, float]]) -> dict[str, float]:
    """Reciprocal rank fusion of the two lists: id -> sum of ``1 / (RRF_K + rank)``."""
    fused: dict[str, float] = {}
    for ranked in (keyword, dense):
        for rank, (rid, _) in enumerate(ranked, start=1):
            fused[rid] = fused.get(rid, 0.0) + 1.0 / (RRF_K + rank)
    return fused


def features_for(
    query_stems: set[str],
    review: Review,
    bm25: float,
    best_bm25: float,
    rrf: float,
    cosine: float | None,
    best_cosine: float | None,
) -> dict[str, float]:
    """The similarity features of one (query, review) pair that the scoring model reads."""
    doc_stems = stems(review.claim_reviewed)
    shared = len(query_stems & doc_stems)
    values = {
        "bm25_rel": max(bm25, 0.0) / best_bm25 if best_bm25 > 0 else 0.0,
        "doc_covered": shared / max(len(doc_stems), 1),
        "query_covered": shared / max(len(query_stems), 1),
        "rrf": rrf * RRF_K,
    }
    if cosine is not None:
        values["cosine"] = cosine
        values["cosine_doc_covered"] = cosine * values["doc_covered"]
        values["cosine_gap"] = (best_cosine if best_cosine is not None else cosine) - cosine
    return values


def rescore(
    store: Store,
    query: str,
    candidates: Candidates,
    *,
    encoder: Encoder | None,
    calibration: Calibration,
    exclude: Collection[str] = (),
    vector: Matrix | None = None,
) -> list[Hit]:
    """Fuse the candidate lists (leaving out ``exclude``), compute features and score each candidate."""
    keyword = [(rid, s) for rid, s in candidates.keyword if rid not in exclude]
    dense = [(rid, s) for rid, s in candidates.dense if rid not in exclude]
    fused = fuse(keyword, dense)
    if not fused:
        return []
    ordered = sorted(fused, key=lambda rid: -fused[rid])[: 2 * CANDIDATES]
    reviews = store.get(ordered)
    bm25 = dict(keyword)
    cosine = dict(candidates.cosine)
    use_dense = encoder is not None
    if encoder is not None:
        needed = [rid for rid in ordered if rid not in cosine and rid in reviews]
        stored = store.vectors(encoder.model_id, needed)
        if stored:
            if vector is None:
                vector = encoder.encode([query])[0]
            cosine.update({rid: float(v @ vector) for rid, v in stored.items()})
        lacking = [rid for rid in needed if rid not in stored]
        if lacking:
            if vector is None:
                vector = encoder.encode([query])[0]
            vectors = encoder.encode([reviews[rid].claim_reviewed for rid in lacking])
            cosine.update({rid: float(v @ vector) for rid, v in zip(lacking, vectors, strict=True)})
    model = calibration.model_for(use_dense)
    query_stems = stems(query)
    best_bm25 = max(bm25.values(), default=0.0)
    best_cosine = max((cosine[rid] for rid in ordered if rid in cosine), default=None) if use_dense else None
    hits = []
    for rid in ordered:
        review = reviews.get(rid)
        if review is None:
            continue
        values = features_for(
            query_stems,
            review,
            bm25.get(rid, 0.0),
            best_bm25,
            fused[rid],
            cosine.get(rid) if use_dense else None,
            best_cosine,
        )
        hits.append(Hit(review=review, score=model.probability(values), features=values, threshold=model.threshold))
    hits.sort(key=lambda h: (-h.score, h.review.id))
    return hits


def retrieve(
    store: Store,
    query: str,
    *,
    k: int = 5,
    encoder: Encoder | None = None,
    vector: Matrix | None = None,
    calibration: Calibration | None = None,
) -> list[Hit]:
    """The ``k`` best-scoring stored fact-checks for ``query`` (all of them, above the threshold or not)."""
    if not query.strip():
        return []
    calibration = calibration or load_calibration()
    if encoder is not None and vector is None:
        vector = encoder.encode([query])[0]
    candidates = gather(store, query, encoder=encoder, vector=vector)
    return rescore(store, query, candidates, encoder=encoder, calibration=calibration, vector=vector)[:k]
