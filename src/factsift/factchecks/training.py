"""Fit and evaluate the match-score models (and the query adapter) on a labelled claim-retrieval set.

The shipped ``data/calibration.json`` and ``data/query_adapter.npz`` are produced by ``factsift train
factchecks --data ../shared/data/claims/checkthat2020_t2`` (train split only); ``bench/factchecks.py`` evaluates it on
the dev split and on CheckThat! 2021 Task 2B.  To make the score mean "this is a match" rather than
"this is the best of the candidates", every training query is also replayed with its gold claims
removed from the store, the situation of a claim nobody has fact-checked yet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from factsift.factchecks import adapter
from factsift.factchecks.calibration import (
    BM25_FEATURES,
    HYBRID_FEATURES,
    RERANK_FEATURES,
    Calibration,
    LogisticModel,
    fit_logistic,
)
from factsift.factchecks.datasets import RetrievalSet
from factsift.factchecks.embeddings import RECORD_BATCH, Encoder
from factsift.factchecks.importer import embed_missing, write_records
from factsift.factchecks.retrieval import Hit, gather, rescore
from factsift.factchecks.store import Matrix, Store, open_store, title_key
from factsift.ml.metrics import average_precision_at_k

if TYPE_CHECKING:
    from factsift.factchecks.reranker import RerankerSpec
    from factsift.factchecks.reranker_training import Group


@dataclass
class Ranked:
    """One query's scored candidates, best first, and its gold ids (``held_out``: gold removed from the store)."""

    query_id: str
    hits: list[Hit]
    gold: set[str]
    held_out: bool = False


def build_store(
    dataset: RetrievalSet, db: Path, encoder: Encoder | None, *, progress: bool = False, cache: Path | None = None
) -> Store:
    """A store at ``db`` holding the set's verified claims (with embeddings when an encoder is given).

    ``cache``: a folder where the claim and title embeddings are kept (as .npy, keyed by model and texts) so
    that repeated runs over the same set do not encode it again.
    """
    store = open_store(db)
    with store.transaction():
        write_records(store, dataset.reviews, progress=progress)
    if encoder is None:
        return store
    caches: list[tuple[str, list[str], Path]] = []
    if cache is not None:
        for field, key in (("claim", encoder.model_id), ("title", title_key(encoder.model_id))):
            texts = [(r.id, r.claim_reviewed if field == "claim" else r.title) for r in dataset.reviews]
            present = [(rid, text) for rid, text in texts if text]
            if not present:
                continue
            digest = hashlib.sha1(f"{key}\0batch {RECORD_BATCH}".encode())  # vectors depend on how they were batched
            for rid, text in present:
                digest.update(rid.encode() + b"\0" + text.encode() + b"\0")
            path = cache / f"embeddings-{digest.hexdigest()[:16]}.npy"
            ids = [rid for rid, _ in present]
            if path.is_file():
                store.put_embeddings(key, ids, np.load(path))
            else:
                caches.append((key, ids, path))
    embed_missing(store, encoder, progress=progress)
    for key, ids, path in caches:
        vectors = store.vectors(key, ids)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, np.stack([vectors[rid] for rid in ids]))
    return store


def _neutral(features: tuple[str, ...]) -> LogisticModel:
    zeros = tuple(0.0 for _ in features)
    return LogisticModel(features, zeros, tuple(1.0 for _ in features), zeros, 0.0)


NEUTRAL = Calibration(bm25=_neutral(BM25_FEATURES), hybrid=_neutral(HYBRID_FEATURES))


def rank_queries(
    store: Store,
    dataset: RetrievalSet,
    encoder: Encoder | None,
    calibration: Calibration,
    *,
    with_held_out: bool = False,
    vectors: Matrix | None = None,
) -> list[Ranked]:
    """Score the candidates of every query that has gold pairs (and, if asked, again with the gold held out).

    ``vectors``: the query vectors (rows in :func:`gold_queries` order) when the caller has them.
    """
    ids = gold_queries(dataset)
    if vectors is None and encoder is not None:
        vectors = encoder.encode_queries([dataset.queries[q] for q in ids])
    ranked: list[Ranked] = []
    for index, qid in enumerate(ids):
        query = dataset.queries[qid]
        vector = vectors[index] if vectors is not None else None
        candidates = gather(store, query, encoder=encoder, vector=vector)
        gold = dataset.gold[qid]
        for held_out in (False, True) if with_held_out else (False,):
            hits = rescore(
                store,
                query,
                candidates,
                encoder=encoder,
                calibration=calibration,
                exclude=gold if held_out else (),
                vector=vector,
            )
            ranked.append(Ranked(qid, hits, gold, held_out))
    return ranked


def gold_queries(dataset: RetrievalSet) -> list[str]:
    """The ids of the queries that have gold pairs, in a fixed order."""
    return [q for q in dataset.queries if q in dataset.gold]


def cross_fitted_adapter(
    store: Store, dataset: RetrievalSet, encoder: Encoder, *, folds: int = 5
) -> tuple[Matrix | None, Matrix]:
    """The query adapter fitted on all of ``dataset`` and the query vectors to train the score model on.

    Each query's vector comes from an adapter fitted on the other folds, so the score model learns how
    far to trust the adapted cosine on queries the adapter has not seen (as at use).  Returns (None,
    plain vectors) when the store has no claim vectors.
    """
    ids = gold_queries(dataset)
    raw = encoder.encode_queries([dataset.queries[q] for q in ids], adapt=False)
    doc_ids, documents = store.embeddings(encoder.model_id)
    row = {rid: i for i, rid in enumerate(doc_ids)}
    if not doc_ids:
        return None, raw
    pairs = [(i, row[g]) for i, q in enumerate(ids) for g in sorted(dataset.gold[q]) if g in row]

    def fit_on(members: set[int]) -> Matrix:
        chosen = [(i, d) for i, d in pairs if i in members]
        return adapter.fit(raw[[i for i, _ in chosen]], np.asarray([d for _, d in chosen]), documents)

    fold_of = np.random.default_rng(0).integers(0, folds, len(ids))
    out = raw.copy()
    for fold in range(folds):
        held = [i for i in range(len(ids)) if fold_of[i] == fold]
        weights = fit_on({i for i in range(len(ids)) if fold_of[i] != fold})
        out[held] = adapter.apply(weights, raw[held])
    return fit_on(set(range(len(ids)))), out


def average_precision(hits: Sequence[Hit], gold: set[str], k: int) -> float:
    """AP@k of ``hits`` against the ``gold`` review ids (:func:`factsift.ml.metrics.average_precision_at_k`)."""
    return average_precision_at_k([hit.review.id in gold for hit in hits], len(gold), k)


def metrics(ranked: Sequence[Ranked]) -> dict[str, float]:
    """MAP@1, MAP@5, recall@5 (share of queries with a gold claim in the top 5) and MRR over the queries."""
    rows = [r for r in ranked if not r.held_out]
    if not rows:
        return {}
    n = len(rows)
    return {
        "queries": n,
        "map_at_1": round(sum(average_precision(r.hits, r.gold, 1) for r in rows) / n, 4),
        "map_at_5": round(sum(average_precision(r.hits, r.gold, 5) for r in rows) / n, 4),
        "recall_at_5": round(sum(any(h.review.id in r.gold for h in r.hits[:5]) for r in rows) / n, 4),
        "mrr": round(
            sum(next((1 / i for i, h in enumerate(r.hits, 1) if h.review.id in r.gold), 0.0) for r in rows) / n, 4
        ),
    }


def collapse_duplicates(ranked: Sequence[Ranked], group: dict[str, str]) -> list[Ranked]:
    """The rankings with duplicate records merged: each hit becomes its group (from
    :func:`factsift.factchecks.datasets.duplicate_groups`), listed once at its best rank, and so does the gold.

    Not the official CheckThat! measure: it only sizes how much of the error is the set's duplicate records.
    """
    out = []
    for r in ranked:
        seen: set[str] = set()
        hits = []
        for hit in r.hits:
            key = group.get(hit.review.id, hit.review.id)
            if key not in seen:
                seen.add(key)
                hits.append(dataclasses.replace(hit, review=dataclasses.replace(hit.review, id=key)))
        out.append(Ranked(r.query_id, hits, {group.get(g, g) for g in r.gold}, r.held_out))
    return out


def choose_threshold(ranked: Sequence[Ranked]) -> tuple[float, dict[str, float]]:
    """The display threshold: the top-hit score that maximises F1 of "show the top hit" decisions.

    Counts the top hit of every query twice: with its gold claim in the store (right or wrong) and
    with the gold held out (always wrong), so half the queries play claims nobody has checked.
    A shown top hit is right when it is a gold claim; recall is over the queries whose gold is present.
    """
    tops = sorted(
        ((r.hits[0].score, (not r.held_out) and r.hits[0].review.id in r.gold) for r in ranked if r.hits),
        key=lambda pair: -pair[0],
    )
    present = max(sum(1 for r in ranked if not r.held_out), 1)
    best = (0.0, 1.0, 0.0, 0.0)  # f1, threshold, precision, recall
    correct = 0
    for count, (score, right) in enumerate(tops, start=1):
        correct += right
        precision, recall = correct / count, correct / present
        f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
        if f1 > best[0]:
            best = (f1, score, precision, recall)
    f1, threshold, precision, recall = best
    return round(threshold, 4), {
        "f1": round(f1, 4),
        "precision_of_shown_top_hits": round(precision, 4),
        "recall_of_queries": round(recall, 4),
    }


def _fit(ranked: Sequence[Ranked], features: tuple[str, ...]) -> LogisticModel:
    rows, labels = [], []
    for r in ranked:
        for hit in r.hits:
            rows.append([hit.features.get(name, 0.0) for name in features])
            labels.append(1.0 if (not r.held_out and hit.review.id in r.gold) else 0.0)
    return fit_logistic(np.asarray(rows, dtype=np.float64), np.asarray(labels, dtype=np.float64), features)


@dataclass
class Fitted:
    """What ``factsift train factchecks`` writes: the calibration, the query adapter and the cross-encoder."""

    calibration: Calibration
    report: dict[str, object]
    adapter: Matrix | None = None
    reranker: tuple[object, object, RerankerSpec] | None = None  # (layers, head, spec) for reranker.save


def fit_models(
    store: Store, dataset: RetrievalSet, encoder: Encoder | None, *, rerank: RerankerSpec | None = None
) -> Fitted:
    """Fit the keyword-only and (with an encoder) hybrid models and their thresholds on ``dataset``, the query
    adapter (None without an encoder) and, when ``rerank`` is given (needs an encoder), the cross-encoder and
    the model that combines its logit with the hybrid score."""
    report: dict[str, object] = {}
    models: dict[str, LogisticModel] = {}
    weights: Matrix | None = None
    vectors: Matrix | None = None
    if encoder is not None:
        weights, vectors = cross_fitted_adapter(store, dataset, encoder)
    for name, enc, features in (("bm25", None, BM25_FEATURES), ("hybrid", encoder, HYBRID_FEATURES)):
        if name == "hybrid" and enc is None:
            models[name] = dataclasses.replace(models["bm25"])  # no encoder: hybrid falls back to the bm25 fit
            continue
        given = vectors if name == "hybrid" else None
        ranked = rank_queries(store, dataset, enc, NEUTRAL, with_held_out=True, vectors=given)
        model = _fit(ranked, features)
        calibration = Calibration(bm25=model, hybrid=model) if name == "bm25" else Calibration(models["bm25"], model)
        rescored = rank_queries(store, dataset, enc, calibration, with_held_out=True, vectors=given)
        threshold, info = choose_threshold(rescored)
        models[name] = dataclasses.replace(model, threshold=threshold)
        report[name] = {"train": metrics(rescored), "threshold": threshold, **info}
    calibration = Calibration(
        bm25=models["bm25"],
        hybrid=models["hybrid"],
        trained_on=dataset.name,
        embedding_model=encoder.model_id if encoder is not None else None,
    )
    if rerank is None or encoder is None:
        return Fitted(calibration, report, weights)
    from factsift.factchecks.reranker_training import fit

    ranked = rank_queries(store, dataset, encoder, calibration, with_held_out=True, vectors=vectors)
    scores = cross_fitted_rerank_scores(store, dataset, ranked, encoder, rerank)
    rows = rerank_rows(ranked, scores, calibration.rerank_top)
    combiner = fit_combiner(rows)
    reranked = apply_combiner(ranked, rows, [combiner.probability(features) for _, _, features, _ in rows])
    threshold, info = choose_threshold(reranked)
    calibration = dataclasses.replace(calibration, rerank=dataclasses.replace(combiner, threshold=threshold))
    report["rerank"] = {"train_cross_fitted": metrics(reranked), "threshold": threshold, **info}
    groups = list(rerank_groups(store, dataset, ranked, RERANK_TRAIN_TOP).values())
    layers, head = fit(*_reference_bert(), groups, rerank)
    return Fitted(calibration, report, weights, (layers, head, rerank))


def _reference_bert() -> tuple[Any, Any]:
    """The bundled model's PyTorch transformer and tokenizer, which the cross-encoder is trained on (train extra)."""
    from factsift.encoder.reference import reference_model

    model = reference_model()
    return model[0].auto_model, model.tokenizer


RERANK_TRAIN_TOP = 4  # candidates per training query for the cross-encoder (its gold added when missing)
RERANK_FOLDS = 2


def rerank_groups(store: Store, dataset: RetrievalSet, ranked: Sequence[Ranked], top: int) -> dict[str, Group]:
    """Per query (rankings with the gold present only): its ``top`` best candidates, plus its first gold claim
    when the ranking left it out, as a cross-encoder training group."""
    from factsift.factchecks.reranker_training import Group

    groups: dict[str, Group] = {}
    for r in ranked:
        if r.held_out:
            continue
        reviews = [h.review for h in r.hits[:top]]
        if not any(review.id in r.gold for review in reviews):
            found = store.get(sorted(r.gold))
            if not found:
                continue
            reviews[-1:] = [found[sorted(found)[0]]]
        gold = next(i for i, review in enumerate(reviews) if review.id in r.gold)
        groups[r.query_id] = Group(dataset.queries[r.query_id], tuple(reviews), gold)
    return groups


def cross_fitted_rerank_scores(
    store: Store,
    dataset: RetrievalSet,
    ranked: Sequence[Ranked],
    encoder: Encoder,
    spec: RerankerSpec,
    *,
    folds: int = RERANK_FOLDS,
    epochs: int | None = None,
) -> dict[tuple[str, str], float]:
    """Cross-encoder logits of the top candidates of every query, each from a model fitted on the other folds.

    Keys are (query id, record id) for the best ``RERANK_TRAIN_TOP`` candidates of each ranking, which covers
    the top few of its held-out replay too.  The combining model is fitted on these.
    """
    from factsift.factchecks.reranker import Reranker
    from factsift.factchecks.reranker_training import EPOCHS, fit

    groups = rerank_groups(store, dataset, ranked, RERANK_TRAIN_TOP)
    ids = gold_queries(dataset)
    fold_of = dict(zip(ids, np.random.default_rng(2).integers(0, folds, len(ids)), strict=True))
    bert, tokenizer = _reference_bert()
    out: dict[tuple[str, str], float] = {}
    for fold in range(folds):
        chosen = [g for q, g in groups.items() if fold_of[q] != fold]
        model, head = fit(bert, tokenizer, chosen, spec, epochs=epochs or EPOCHS)
        scorer = Reranker(spec, tokenizer, model, head)
        for r in ranked:
            if r.held_out or fold_of[r.query_id] != fold:
                continue
            reviews = [h.review for h in r.hits[:RERANK_TRAIN_TOP]]
            for review, value in zip(reviews, scorer.scores(dataset.queries[r.query_id], reviews), strict=True):
                out[(r.query_id, review.id)] = value
    return out


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def rerank_rows(
    ranked: Sequence[Ranked], scores: dict[tuple[str, str], float], top: int
) -> list[tuple[int, int, dict[str, float], bool]]:
    """(ranking index, position, combiner features, label) for the ``top`` best hits of every ranking."""
    rows = []
    for index, r in enumerate(ranked):
        for position, hit in enumerate(r.hits[:top]):
            value = scores.get((r.query_id, hit.review.id))
            if value is None:
                continue
            features = {"base_logit": _logit(hit.score), "cross_encoder": value}
            rows.append((index, position, features, (not r.held_out) and hit.review.id in r.gold))
    return rows


def fit_combiner(rows: Sequence[tuple[int, int, dict[str, float], bool]]) -> LogisticModel:
    """The logistic model that turns (the score model's logit, the cross-encoder's logit) into the new score."""
    x = np.asarray([[f[name] for name in RERANK_FEATURES] for _, _, f, _ in rows], dtype=np.float64)
    y = np.asarray([1.0 if label else 0.0 for *_, label in rows], dtype=np.float64)
    return fit_logistic(x, y, RERANK_FEATURES)


def apply_combiner(
    ranked: Sequence[Ranked], rows: Sequence[tuple[int, int, dict[str, float], bool]], predict: list[float]
) -> list[Ranked]:
    """The rankings with each listed hit re-scored (``predict``, one per row) and the re-scored hits of a
    ranking re-ordered among themselves at the head of the list."""
    new_scores: dict[int, dict[int, float]] = {}
    for (index, position, _, _), value in zip(rows, predict, strict=True):
        new_scores.setdefault(index, {})[position] = value
    out = list(ranked)
    for index, values in new_scores.items():
        r = ranked[index]
        head = [dataclasses.replace(r.hits[p], score=values[p]) for p in sorted(values)]
        head.sort(key=lambda h: (-h.score, h.review.id))
        out[index] = Ranked(r.query_id, head + r.hits[len(head) :], r.gold, r.held_out)
    return out
