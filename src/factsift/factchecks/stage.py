"""The ``factchecks`` stage: match each of the article's claims against the imported fact-checks.

Queries are ``report.claims`` (``claim_index`` is the index into that list).  When the claims
stage has produced nothing (or is not installed), the article's sentences are matched instead:
``basis`` is then ``"sentence"`` and ``claim_index`` is the index into ``article.sentences``.
A match is kept when its calibrated match probability (:mod:`.probability`) clears the stated
threshold; below it, nothing is reported.  Each kept match carries the article's stance towards the
reviewed claim (:mod:`.stances`) and ``shown``: whether the verdict is displayed against the claim.
Both dates are reported (``date`` and ``article.published``; ``before_article`` compares them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from factsift.config import FactchecksConfig
from factsift.context import Context
from factsift.factchecks.calibration import load_calibration
from factsift.factchecks.embeddings import Encoder, RetrievalFiles, resolve_encoder
from factsift.factchecks.retrieval import Hit, retrieve
from factsift.factchecks.stances import stance_model, verdict_shown
from factsift.factchecks.store import shared_reader
from factsift.model import FactCheckMatch, MatchStance, Report
from factsift.pipeline import stage

MATCHES_PER_CLAIM = 3
MAX_QUERIES = 80
#: Only the most check-worthy claims get dense (embedding) retrieval as well as BM25: encoding is
#: the stage's main cost (about 5 ms a claim on one core), and these are the claims a fact-checker
#: looks at first.  The rest are matched by BM25 alone, with that mode's own calibrated threshold.
DENSE_QUERIES = 5
MIN_SENTENCE_WORDS = 6


@dataclass(frozen=True)
class Query:
    """One thing to look up: a claim (or, without claims, a sentence) and where it sits in the report."""

    index: int
    sentence_id: int | None
    text: str
    basis: Literal["claim", "sentence"]


def queries_for(report: Report) -> list[Query]:
    """The claims to match, or the article's substantial sentences when there are no claims."""
    if report.claims:
        return [
            Query(i, c.sentence_id, c.standalone or c.text, "claim") for i, c in enumerate(report.claims[:MAX_QUERIES])
        ]
    sentences = [
        Query(i, s.id, s.text, "sentence")
        for i, s in enumerate(report.article.sentences)
        if len(s.text.split()) >= MIN_SENTENCE_WORDS
    ]
    return sentences[:MAX_QUERIES]


def date_relation(review_date: str | None, article_date: str | None) -> bool | None:
    """True if the fact-check predates the article, False if it came later or the same day, None if unknown."""
    if not review_date or not article_date:
        return None
    return review_date[:10] < article_date[:10]


def to_match(query: Query, hit: Hit, article_date: str | None, stance: MatchStance | None) -> FactCheckMatch:
    """A report entry for one hit: its match probability, the article's stance, and whether the verdict shows."""
    review = hit.review
    probability = round(hit.probability, 4)
    return FactCheckMatch(
        claim_index=query.index,
        score=probability,
        claim_reviewed=review.claim_reviewed,
        verdict=review.verdict,
        rating_text=review.rating_text,
        publisher=review.publisher,
        url=review.url,
        date=review.date,
        claimant=review.claimant,
        review_id=review.id,
        before_article=date_relation(review.date, article_date),
        sentence_id=query.sentence_id,
        basis=query.basis,
        claim_date=review.claim_date,
        probability=probability,
        stance=stance,
        shown=verdict_shown(hit.probability, hit.threshold, stance),
    )


def encoder_of(context: Context[FactchecksConfig]) -> Encoder | None:
    """The section's embedding model with its adapter and re-ranker, loaded once per analyser."""
    config = context.config
    files = RetrievalFiles(adapter=config.adapter, reranker=config.reranker)
    return context.models.get(("encoder", config.embeddings, files), lambda: resolve_encoder(config.embeddings, files))


@stage("factchecks", requires=("claims",), assigns=("factchecks",))
def match_factchecks(report: Report, context: Context[FactchecksConfig]) -> Report:
    """Fill ``report.factchecks`` with the stored fact-checks that match the article's claims."""
    config = context.config
    queries = queries_for(report)
    if not queries:
        return report
    store = shared_reader(config.db)
    if store is None:
        return report
    encoder = None if config.fast else encoder_of(context)
    dense = queries[:DENSE_QUERIES] if encoder is not None else []
    vectors = encoder.encode_queries([q.text for q in dense]) if encoder is not None and dense else None
    found: list[tuple[Query, Hit]] = []
    calibration = context.models.get(
        ("factchecks calibration", config.calibration), lambda: load_calibration(config.calibration)
    )
    with store.pinned():  # the store's revision is read once for the article, not once per claim
        for position, query in enumerate(queries):
            with_dense = vectors is not None and position < len(dense)
            hits = retrieve(
                store,
                query.text,
                k=MATCHES_PER_CLAIM,
                encoder=encoder if with_dense else None,
                vector=vectors[position] if with_dense and vectors is not None else None,
                calibration=calibration,
            )
            found.extend((query, hit) for hit in hits if hit.shown)
    predict = stance_model() if found else None
    stances: dict[str, MatchStance] = {}  # one stance per reviewed claim: the article's, not the sentence's
    if predict is not None:
        claims = list(dict.fromkeys(hit.review.claim_reviewed for _, hit in found))
        stances = dict(zip(claims, predict([(claim, report.article.text) for claim in claims]), strict=True))
    matches = [
        to_match(query, hit, report.article.published, stances.get(hit.review.claim_reviewed)) for query, hit in found
    ]
    matches.sort(key=lambda m: (m.claim_index, -m.probability))
    report.factchecks = matches
    return report
