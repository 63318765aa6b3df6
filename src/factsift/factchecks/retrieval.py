"""Hybrid retrieval: BM25 candidates + dense candidates, fused by reciprocal rank, then re-scored.

1. BM25 over each record's claim and review headline (title) gives up to ``CANDIDATES`` records;
   the nearest neighbours of the query's embedding among the claims' vectors give as many more, when
   an embedding model is there.
2. Every candidate gets features: BM25 per field and combined (relative to the best candidate), its
   rank in each list and their reciprocal-rank fusion, word overlap both ways for claim and title,
   cosine per field and behind the best, shared numbers and the length ratio.
3. A logistic model over these features (learned on CheckThat! 2020 Task 2 train, shipped as JSON)
   turns them into a calibrated probability that the record reviews the same claim; hits are
   returned best first by it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from factsift.factchecks.calibration import Calibration, LogisticModel, load_calibration
from factsift.factchecks.embeddings import Encoder
from factsift.factchecks.probability import DEFAULT_THRESHOLD, load_match_probability, pair_features
from factsift.factchecks.records import Review
from factsift.factchecks.reranker import Reranker
from factsift.factchecks.store import KeywordHit, Matrix, Store, title_key
from factsift.factchecks.terms import query_terms, stems

CANDIDATES = 30
RRF_K = 60
ABSENT_RANK = 100  # the rank a candidate gets in a list it is not in
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass
class Hit:
    """One stored fact-check retrieved for a query: its ranking score (orders candidates), its match
    probability (the calibrated chance it reviews the same claim, :mod:`.probability`) and the evidence."""

    review: Review
    score: float
    features: dict[str, float] = field(default_factory=dict)
    threshold: float = DEFAULT_THRESHOLD
    probability: float = 0.0

    @property
    def shown(self) -> bool:
        """Whether the match probability clears the display threshold."""
        return self.probability >= self.threshold


@dataclass
class Candidates:
    """The raw candidate lists for one query, before fusion (kept apart so training can reuse them).

    ``keyword`` is BM25's top list, best first; ``keyword_scores`` has the BM25 scores of every
    candidate (dense ones too); ``dense`` is the dense top list with its cosine; ``cosine`` maps
    field ("claim", "title") to the cosine of every candidate whose vector is stored.
    """

    keyword: list[str]
    keyword_scores: dict[str, KeywordHit]
    dense: list[tuple[str, float]]
    cosine: dict[str, dict[str, float]]
    terms: list[str]


def dense_search(
    store: Store, model_id: str, vector: Matrix, limit: int
) -> tuple[list[tuple[str, float]], dict[str, dict[str, float]]]:
    """The ``limit`` records whose claim vector is nearest to ``vector`` (cosine, best first).

    Only the claim matrix is scanned (one pass over 100,000 x 384 floats is ~10 ms on one core); the
    title cosines of all candidates are looked up afterwards, when they are re-scored.
    """
    cosine: dict[str, dict[str, float]] = {"claim": {}, "title": {}}
    ids, matrix = store.embeddings(model_id)
    if not ids:
        return [], cosine
    sims = matrix @ vector
    count = min(limit, len(ids))
    top = np.argpartition(-sims, count - 1)[:count]
    top = top[np.argsort(-sims[top], kind="stable")]
    ranked = [(ids[i], float(sims[i])) for i in top]
    cosine["claim"] = dict(ranked)
    return ranked, cosine


def gather(
    store: Store, query: str, *, encoder: Encoder | None, vector: Matrix | None = None, limit: int = CANDIDATES
) -> Candidates:
    """BM25 and dense candidate lists for ``query`` (dense only with an encoder)."""
    terms = query_terms(query)
    dense: list[tuple[str, float]] = []
    cosine: dict[str, dict[str, float]] = {"claim": {}, "title": {}}
    if encoder is not None:
        if vector is None:
            vector = encoder.encode_queries([query])[0]
        dense, cosine = dense_search(store, encoder.model_id, vector, limit)
    hits = store.keyword_search(terms, limit, include=[rid for rid, _ in dense])
    keyword = [h.id for h in hits if h.rank is not None]
    return Candidates(keyword=keyword, keyword_scores={h.id: h for h in hits}, dense=dense, cosine=cosine, terms=terms)


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(text))


def features_for(
    query: str,
    query_stems: frozenset[str],
    review: Review,
    keyword: KeywordHit | None,
    best: dict[str, float],
    ranks: tuple[int, int],
    cosine: dict[str, float] | None,
) -> dict[str, float]:
    """The similarity features of one (query, review) pair that the scoring model reads.

    ``best`` holds the best candidate's BM25 (``bm25``, ``claim``, ``title``) and cosine (``cos``,
    ``cos_claim``, ``cos_title``); ``ranks`` is the (keyword, dense) rank, ``ABSENT_RANK`` when absent.
    ``cosine`` is None in BM25-only mode.  For a record without a title, the title features repeat the
    claim's (the score model was fitted on reviews that all had one).
    """
    fields = keyword.fields if keyword is not None else {}
    bm25 = keyword.score if keyword is not None else 0.0
    claim_stems = stems(review.claim_reviewed)
    title_stems = stems(review.title) if review.title else set()
    shared_claim = len(query_stems & claim_stems)
    shared_title = len(query_stems & title_stems)
    query_numbers = _numbers(query)
    doc_numbers = _numbers(f"{review.claim_reviewed} {review.title or ''}")

    def relative(value: float, top: float) -> float:
        return max(value, 0.0) / top if top > 0 else 0.0

    claim_rel = relative(fields.get("claim", 0.0), best["claim"])
    values = {
        "bm25_rel": relative(bm25, best["bm25"]),
        "bm25_claim_rel": claim_rel,
        "bm25_title_rel": relative(fields.get("title", 0.0), best["title"]) if review.title else claim_rel,
        "rrf": RRF_K * (1.0 / (RRF_K + ranks[0]) + 1.0 / (RRF_K + ranks[1])),
        "inv_rank_keyword": 1.0 / ranks[0],
        "doc_covered": shared_claim / max(len(claim_stems), 1),
        "query_covered": shared_claim / max(len(query_stems), 1),
        "title_covered": shared_title / max(len(title_stems), 1),
        "query_covered_title": shared_title / max(len(query_stems), 1),
    }
    if not review.title:  # a review without a headline: its claim is the best stand-in (the model saw titles)
        values["title_covered"] = values["doc_covered"]
        values["query_covered_title"] = values["query_covered"]
    values |= {
        "numbers_shared": len(query_numbers & doc_numbers) / len(query_numbers) if query_numbers else 0.0,
        "length_ratio": math.log((len(review.claim_reviewed) + 1) / (len(query) + 1)),
    }
    if cosine is not None:
        claim_cos = cosine.get("claim", 0.0)
        title_cos = cosine.get("title", claim_cos)
        top = max(claim_cos, title_cos)
        values.update(
            {
                "inv_rank_dense": 1.0 / ranks[1],
                "cosine": top,
                "cosine_gap": best["cos"] - top,
                "cosine_claim": claim_cos,
                "cosine_title": title_cos,
                "cosine_claim_gap": best["cos_claim"] - claim_cos,
                "cosine_title_gap": best["cos_title"] - title_cos,
            }
        )
    return values


def _fill_cosines(
    store: Store, encoder: Encoder, ids: list[str], cosine: dict[str, dict[str, float]], vector: Matrix
) -> None:
    """Look up the stored claim and title vectors of candidates that the dense lists did not score."""
    for name, key in (("claim", encoder.model_id), ("title", title_key(encoder.model_id))):
        needed = [rid for rid in ids if rid not in cosine[name]]
        if needed:
            cosine[name].update({rid: float(v @ vector) for rid, v in store.vectors(key, needed).items()})


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
    """Score every candidate (leaving out ``exclude``) with the calibrated model, best first."""
    keyword = [rid for rid in candidates.keyword if rid not in exclude]
    dense = [(rid, s) for rid, s in candidates.dense if rid not in exclude]
    keyword_rank = {rid: rank for rank, rid in enumerate(keyword, start=1)}
    dense_rank = {rid: rank for rank, (rid, _) in enumerate(dense, start=1)}
    ordered = list(dict.fromkeys([*keyword, *(rid for rid, _ in dense)]))
    if not ordered:
        return []
    reviews = store.get(ordered)
    ordered = [rid for rid in ordered if rid in reviews]
    use_dense = encoder is not None
    cosine = {name: dict(values) for name, values in candidates.cosine.items()}
    if encoder is not None:
        if vector is None:
            vector = encoder.encode_queries([query])[0]
        _fill_cosines(store, encoder, ordered, cosine, vector)
        lacking = [rid for rid in ordered if rid not in cosine["claim"]]
        if lacking:  # records imported without embeddings: encode their claims now
            vectors = encoder.encode([reviews[rid].claim_reviewed for rid in lacking])
            cosine["claim"].update({rid: float(v @ vector) for rid, v in zip(lacking, vectors, strict=True)})
    scores = candidates.keyword_scores

    def top(values: list[float]) -> float:
        return max(values, default=0.0)

    best = {
        "bm25": top([scores[r].score for r in ordered if r in scores]),
        "claim": top([scores[r].fields.get("claim", 0.0) for r in ordered if r in scores]),
        "title": top([scores[r].fields.get("title", 0.0) for r in ordered if r in scores]),
    }
    per_record: dict[str, dict[str, float]] = {}
    if use_dense:
        for rid in ordered:
            entry = {"claim": cosine["claim"].get(rid, 0.0)}
            if rid in cosine["title"]:
                entry["title"] = cosine["title"][rid]
            per_record[rid] = entry
        best["cos_claim"] = top([e["claim"] for e in per_record.values()])
        best["cos_title"] = top([e.get("title", e["claim"]) for e in per_record.values()])
        best["cos"] = max(best["cos_claim"], best["cos_title"])
    model = calibration.model_for(use_dense)
    query_stems = stems(query)
    hits = []
    for rid in ordered:
        values = features_for(
            query,
            query_stems,
            reviews[rid],
            scores.get(rid),
            best,
            (keyword_rank.get(rid, ABSENT_RANK), dense_rank.get(rid, ABSENT_RANK)),
            per_record.get(rid) if use_dense else None,
        )
        hits.append(
            Hit(review=reviews[rid], score=model.probability(values), features=values, threshold=model.threshold)
        )
    hits.sort(key=lambda h: (-h.score, h.review.id))
    if encoder is not None and encoder.reranker is not None and calibration.rerank is not None:
        hits = rerank(query, hits, encoder.reranker, calibration.rerank, calibration.rerank_top)
    return hits


def rerank(query: str, hits: list[Hit], reranker: Reranker, combiner: LogisticModel, top: int) -> list[Hit]:
    """Re-score the ``top`` best hits with the cross-encoder and re-order them among themselves.

    The combining model reads the hit's score (as a logit) and the cross-encoder's logit; re-scored hits
    stay ahead of the rest, which keep their scores.
    """
    head = hits[:top]
    if not head:
        return hits
    values = reranker.scores(query, [h.review for h in head])
    for hit, value in zip(head, values, strict=True):
        p = min(max(hit.score, 1e-9), 1 - 1e-9)
        hit.features = {**hit.features, "base_logit": math.log(p / (1 - p)), "cross_encoder": value}
        hit.score = combiner.probability(hit.features)
        hit.threshold = combiner.threshold
    head.sort(key=lambda h: (-h.score, h.review.id))
    return head + hits[top:]


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
        vector = encoder.encode_queries([query])[0]
    candidates = gather(store, query, encoder=encoder, vector=vector)
    hits = rescore(store, query, candidates, encoder=encoder, calibration=calibration, vector=vector)
    return with_probabilities(query, distinct(hits)[:k])


def with_probabilities(query: str, hits: list[Hit]) -> list[Hit]:
    """``hits`` with each one's match probability and the display threshold, most probable first (ties keep
    the ranking model's order)."""
    pairs = load_match_probability()
    for hit in hits:
        hit.probability = pairs.probability(pair_features(query, hit.review, hit.features))
        hit.threshold = pairs.threshold
    return sorted(hits, key=lambda h: -h.probability)


def distinct(hits: list[Hit]) -> list[Hit]:
    """``hits`` without repeats of the same fact-check: one publisher's review of the same claim text at the
    same address (or both without one) imported twice under different ids.  Feeds do repeat records, and a
    repeat would only take a slot from another fact-check.  The best-scored copy stays."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for hit in hits:
        review = hit.review
        key = (" ".join(review.claim_reviewed.casefold().split()), review.url or "", review.publisher or "")
        if key not in seen:
            seen.add(key)
            kept.append(hit)
    return kept
