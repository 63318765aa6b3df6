"""The archive's in-process search index: date-sliced BM25 over titles and claims, re-ranked by int8 vectors.

Articles are kept in one bucket per publication day (undated ones in a bucket of their own).  A bucket
holds its BM25 postings as sorted numpy arrays (term, article, term frequency) and the int8 vectors of
its articles' titles and claims, so a search over a date window touches only that window's buckets:
about two thousand articles a day instead of the whole archive.  Term statistics (document frequency,
average length) are the archive's, so a score does not depend on the window.

Retrieval is hybrid in two steps: the window's BM25 top :data:`LEXICAL_CANDIDATES` (other outlets only),
then each candidate's best cosine between the query vector and its title and claim vectors; the final
order fuses both ranks (reciprocal rank fusion).  A dense pass over every vector of the window was
measured too slow at a million articles (``bench/coverage.py``), so dense scores re-rank the lexical
candidates rather than find their own.

The index is filled from :meth:`ArticleArchive.index_rows` and stays current by reading only the rows after
the last ``seq`` it saw (:meth:`ArchiveIndex.refresh`); a changed article's old entry is masked out.
:meth:`ArchiveIndex.fill_vectors` computes the vectors the archive lacks with the shared sentence encoder.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from factsift.archive.store import (
    MAX_CLAIM_VECTORS,
    MAX_CLAIMS,
    VECTOR_SCALE,
    ArchiveCounts,
    ArticleArchive,
    IndexRow,
    Int8Matrix,
    KeptArticle,
)
from factsift.factchecks.lexical import bm25_idf, bm25_weights
from factsift.factchecks.terms import index_terms, query_terms

#: Query words found in more than this share of the archive's articles are left out of the lexical search (unless
#: every word of the query is): they rank almost nothing and their postings are most of a day's (a stop-word list
#: the archive learns).
MAX_TERM_SHARE = 0.05
#: ... and in more than this many articles (a small archive keeps every word).
MIN_COMMON_ARTICLES = 1_000
#: BM25 candidates per query, re-ranked by their vectors.
LEXICAL_CANDIDATES = 50
#: The constant of reciprocal rank fusion (Cormack et al. 2009).
RRF_K = 60
#: The bucket of undated articles (searched only when the query has no date window).
UNDATED = -1
#: The model name vectors are stored under when there is no encoder (lexical search only).
NO_MODEL = "none"
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


def day_number(date: str | None) -> int:
    """The proleptic ordinal of an ISO date's day (``YYYY-MM-DD``, a longer date-time is cut), UNDATED if none."""
    if not date:
        return UNDATED
    try:
        return datetime.date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        return UNDATED


def outlet_key(outlet: str | None) -> str:
    """An outlet compared by its domain: lower case, without a leading ``www.`` (empty when unknown)."""
    key = (outlet or "").strip().lower()
    return key[4:] if key.startswith("www.") else key


def searchable_text(title: str | None, claims: Sequence[str]) -> str:
    """The words an article is found by: its title and top claims."""
    return " ".join([title or "", *claims[:MAX_CLAIMS]])


def vector_texts(article: KeptArticle) -> list[str]:
    """The texts an article's vectors are of, in the stored order: the title (if any), then its first claims."""
    return ([article.title] if article.title else []) + list(article.claims[:MAX_CLAIM_VECTORS])


def quantise(vectors: npt.NDArray[np.floating]) -> Int8Matrix:
    """Unit vectors as int8 (``round(x * VECTOR_SCALE)``)."""
    quantised: Int8Matrix = np.clip(np.rint(vectors * VECTOR_SCALE), -127, 127).astype(np.int8)
    return quantised


class Encoder(Protocol):
    """What the index needs of a sentence encoder: a model id and unit-length embeddings."""

    model_id: str

    def embed(self, texts: list[str], *, batch_size: int = ...) -> npt.NDArray[np.float32]:
        """Unit-length embeddings, one row per text (``batch_size=1``: each run alone, as queries are)."""
        ...


@dataclass
class Bucket:
    """One day's articles: positions, BM25 postings and vectors; new rows wait in lists until the next search."""

    positions: list[int] = field(default_factory=list)
    pending_terms: list[IntArray] = field(default_factory=list)
    pending_counts: list[IntArray] = field(default_factory=list)
    pending_vectors: list[tuple[int, Int8Matrix]] = field(default_factory=list)
    members: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    terms: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    docs: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    tfs: npt.NDArray[np.uint8] = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))
    vectors: Int8Matrix = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int8))
    vector_docs: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    compacted: int = 0

    def terms_of(self, position: int) -> npt.NDArray[np.int32]:
        """The distinct term ids of the article at ``position`` (waiting or folded in)."""
        local = bisect.bisect_left(self.positions, position)
        waiting = local - len(self.members)
        if waiting >= 0:
            return np.asarray(self.pending_terms[waiting], dtype=np.int32)
        found: npt.NDArray[np.int32] = self.terms[self.docs == local]
        return found

    def compact(self) -> None:
        """Fold the waiting rows into the sorted arrays (done once per bucket before it is searched)."""
        if self.compacted == len(self.positions) and not self.pending_vectors:
            return
        old = len(self.members)
        new_docs = [np.full(len(t), old + i, dtype=np.int32) for i, t in enumerate(self.pending_terms)]
        terms = np.concatenate([self.terms, *[t.astype(np.int32) for t in self.pending_terms]])
        docs = np.concatenate([self.docs, *new_docs])
        tfs = np.concatenate([self.tfs, *[np.minimum(c, 255).astype(np.uint8) for c in self.pending_counts]])
        order = np.argsort(terms, kind="stable")
        self.terms, self.docs, self.tfs = terms[order], docs[order], tfs[order]
        self.members = np.asarray(self.positions, dtype=np.int64)
        self.pending_terms, self.pending_counts = [], []
        if self.pending_vectors:
            local = {position: i for i, position in enumerate(self.positions)}
            blocks = [self.vectors] if len(self.vectors) else []
            owners = [self.vector_docs]
            for position, matrix in self.pending_vectors:
                blocks.append(matrix)
                owners.append(np.full(len(matrix), local[position], dtype=np.int32))
            self.vectors = np.ascontiguousarray(np.concatenate(blocks))
            self.vector_docs = np.concatenate(owners)
            self.pending_vectors = []
        self.compacted = len(self.positions)


@dataclass(frozen=True)
class IndexHit:
    """One retrieved article: its id, outlet, day, BM25 score, best vector cosine (None without vectors), fused rank."""

    article_id: str
    outlet: str | None
    published: str | None
    bm25: float
    similarity: float | None
    score: float


class ArchiveIndex:
    """The search index of one archive (see the module docstring); safe to share between threads."""

    def __init__(self, model: str = NO_MODEL) -> None:
        """An empty index reading vectors stored under ``model``."""
        self.model = model
        self.seq = 0
        self._lock = threading.RLock()
        self._vocabulary: dict[str, int] = {}
        self._df = np.zeros(1024, dtype=np.int32)
        self._ids: list[str] = []
        self._published: list[str | None] = []
        self._position: dict[str, int] = {}
        self._outlets: dict[str, int] = {}
        self._outlet_names: list[str | None] = []
        self._outlet = np.zeros(1024, dtype=np.int32)
        self._day = np.zeros(1024, dtype=np.int32)
        self._length = np.zeros(1024, dtype=np.float32)
        self._alive = np.zeros(1024, dtype=bool)
        self._has_vectors = np.zeros(1024, dtype=bool)
        self._buckets: dict[int, Bucket] = {}
        self._alive_count = 0
        self._total_length = 0.0
        self._lacking_vectors = 0

    # --- filling -------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Articles searchable now."""
        return self._alive_count

    def refresh(self, archive: ArticleArchive) -> int:
        """Read the rows the archive changed since the last refresh; how many were read."""
        with self._lock:
            if archive.revision() <= self.seq:
                return 0
            read = 0
            for row in archive.index_rows(self.model, after=self.seq):
                self.add_row(row)
                read += 1
            return read

    def add_row(self, row: IndexRow) -> None:
        """Index one row (replacing the article's earlier entry, if any)."""
        with self._lock:
            old = self._position.get(row.id)
            if old is not None:
                self._retire(old)
            position = len(self._ids)
            self._grow(position + 1)
            terms = index_terms(searchable_text(row.title, row.claims))
            ids = np.fromiter((self._term_id(t) for t in terms), dtype=np.int64, count=len(terms))
            unique, counts = np.unique(ids, return_counts=True)
            self._df[unique] += 1
            outlet = outlet_key(row.outlet)
            outlet_id = self._outlets.setdefault(outlet, len(self._outlets))
            if outlet_id == len(self._outlet_names):
                self._outlet_names.append(row.outlet)
            day = day_number(row.published)
            self._ids.append(row.id)
            self._published.append(row.published)
            self._position[row.id] = position
            self._outlet[position] = outlet_id
            self._day[position] = day
            self._length[position] = len(terms)
            self._alive[position] = True
            self._alive_count += 1
            self._total_length += len(terms)
            bucket = self._buckets.setdefault(day, Bucket())
            bucket.positions.append(position)
            bucket.pending_terms.append(unique)
            bucket.pending_counts.append(counts)
            if row.vectors is None:
                self._lacking_vectors += 1
            else:  # an article with no title and no claims has an empty matrix: nothing to add, nothing lacking
                self._has_vectors[position] = True
                if len(row.vectors):
                    bucket.pending_vectors.append((position, np.ascontiguousarray(row.vectors, dtype=np.int8)))
            self.seq = max(self.seq, row.seq)

    def _term_id(self, term: str) -> int:
        """The id of ``term`` (a new one for a new term, its document frequency made room for)."""
        found = self._vocabulary.get(term)
        if found is None:
            found = self._vocabulary[term] = len(self._vocabulary)
            if found >= len(self._df):
                self._df = np.concatenate([self._df, np.zeros(len(self._df), dtype=np.int32)])
        return found

    def _grow(self, size: int) -> None:
        """Make room for ``size`` articles in the per-article arrays (doubling)."""
        if size <= len(self._alive):
            return
        new = max(size, 2 * len(self._alive))
        for name in ("_outlet", "_day", "_length", "_alive", "_has_vectors"):
            old = getattr(self, name)
            grown = np.zeros(new, dtype=old.dtype)
            grown[: len(old)] = old
            setattr(self, name, grown)

    def _retire(self, position: int) -> None:
        """Mask out an article's earlier entry (its postings stay, never matched again)."""
        if not self._alive[position]:
            return
        self._alive[position] = False
        self._alive_count -= 1
        self._lacking_vectors -= int(not self._has_vectors[position])
        self._total_length -= float(self._length[position])
        self._df[self._buckets[int(self._day[position])].terms_of(position)] -= 1

    @property
    def lacking_vectors(self) -> int:
        """Live articles the index read without vectors (none: :meth:`fill_vectors` has nothing to do)."""
        return self._lacking_vectors

    def fill_vectors(self, archive: ArticleArchive, encoder: Encoder, limit: int, *, batch: int = 64) -> int:
        """Compute and store the vectors of up to ``limit`` archived articles that lack them; how many."""
        done = 0
        while done < limit:
            missing = archive.missing_vectors(encoder.model_id, min(batch, limit - done))
            if not missing:
                break
            texts = [vector_texts(article) for article in missing]
            flat = [text for group in texts for text in group]
            embedded = quantise(encoder.embed(flat)) if flat else np.zeros((0, 0), dtype=np.int8)
            items: list[tuple[str, Int8Matrix]] = []
            start = 0
            for article, group in zip(missing, texts, strict=True):
                rows = embedded[start : start + len(group)]
                start += len(group)
                items.append((article.id, rows if len(rows) else np.zeros((0, 1), dtype=np.int8)))
            archive.put_vectors(encoder.model_id, items)
            done += len(missing)
        return done

    # --- searching -----------------------------------------------------------------------------------------

    def _days(self, since: str | None, until: str | None) -> list[int]:
        """The bucket keys of a date window (every bucket, the undated one too, when it is open on both ends)."""
        if since is None and until is None:
            return list(self._buckets)
        low = day_number(since) if since else -math.inf
        high = day_number(until) if until else math.inf
        return [day for day in self._buckets if day != UNDATED and low <= day <= high]

    def counts(self, since: str | None = None, until: str | None = None) -> ArchiveCounts:
        """Articles and distinct outlets the index holds for a date window (inclusive ISO dates; None: open)."""
        with self._lock:
            members = [self._buckets[day].positions for day in self._days(since, until)]
            positions = np.asarray([p for group in members for p in group], dtype=np.int64)
            positions = positions[self._alive[positions]] if len(positions) else positions
            outlets = np.unique(self._outlet[positions]) if len(positions) else positions
            return ArchiveCounts(articles=len(positions), outlets=len(outlets))

    def _bm25(
        self, queries: Sequence[Sequence[str]], days: Sequence[int], exclude: int
    ) -> list[tuple[IntArray, FloatArray]]:
        """For each query's terms: positions and BM25 scores of the window's live articles (outlet ``exclude``
        left out) with a query word.  All queries are scored in one pass over each day's postings."""
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        known = [self._informative([self._vocabulary[t] for t in terms if t in self._vocabulary]) for terms in queries]
        ids = np.asarray([i for group in known for i in group], dtype=np.int32)
        if not len(ids) or not self._alive_count:
            return [empty for _ in queries]
        query_of = np.repeat(np.arange(len(queries)), [len(group) for group in known])
        df = self._df[ids].astype(np.float32)
        idf = bm25_idf(df, self._alive_count).astype(np.float32)
        average = max(self._total_length / self._alive_count, 1.0)
        found: list[tuple[IntArray, IntArray, FloatArray]] = []
        for day in days:
            bucket = self._buckets[day]
            bucket.compact()
            size = len(bucket.members)
            lows = np.searchsorted(bucket.terms, ids, "left")
            lengths = np.searchsorted(bucket.terms, ids, "right") - lows
            present = lengths > 0
            if not present.any():
                continue
            lows, lengths = lows[present], lengths[present]
            offsets = np.cumsum(lengths) - lengths
            where = np.arange(int(lengths.sum())) + np.repeat(lows - offsets, lengths)
            docs = bucket.docs[where]
            tf = bucket.tfs[where].astype(np.float32)
            score = bm25_weights(np.repeat(idf[present], lengths), tf, self._length[bucket.members[docs]], average)
            keys = np.repeat(query_of[present], lengths) * size + docs
            totals = np.bincount(keys, weights=score, minlength=len(queries) * size)
            hit = np.flatnonzero(totals)
            members = bucket.members[hit % size]
            keep = self._alive[members] & (self._outlet[members] != exclude)
            found.append((hit[keep] // size, members[keep], totals[hit[keep]].astype(np.float32)))
        if not found:
            return [empty for _ in queries]
        query = np.concatenate([q for q, _, _ in found])
        positions = np.concatenate([p for _, p, _ in found])
        scores = np.concatenate([s for _, _, s in found])
        order = np.argsort(query, kind="stable")
        bounds = np.searchsorted(query[order], np.arange(len(queries) + 1))
        return [(positions[order[a:b]], scores[order[a:b]]) for a, b in itertools.pairwise(bounds.tolist())]

    def _informative(self, ids: list[int]) -> list[int]:
        """The term ids found in at most :data:`MAX_TERM_SHARE` of the live articles or in at most
        :data:`MIN_COMMON_ARTICLES` (all of them if none is)."""
        common = max(self._alive_count * MAX_TERM_SHARE, MIN_COMMON_ARTICLES)
        rare = [i for i in ids if self._df[i] <= common]
        return rare or ids

    def _cosines(self, positions: IntArray, vector: FloatArray) -> FloatArray:
        """Each article's best cosine between ``vector`` and its title and claim vectors (NaN without vectors)."""
        out = np.full(len(positions), np.nan, dtype=np.float32)
        query = vector.astype(np.float32) * VECTOR_SCALE
        for i, position in enumerate(positions.tolist()):
            if not self._has_vectors[position]:
                continue
            rows = self._vector_rows(self._buckets[int(self._day[position])], position)
            if len(rows) and rows.shape[1] == len(query):
                out[i] = float((rows.astype(np.float32) @ query).max()) / (VECTOR_SCALE * VECTOR_SCALE)
        return out

    @staticmethod
    def _vector_rows(bucket: Bucket, position: int) -> Int8Matrix:
        """The int8 vector rows of the article at ``position`` in its (compacted) bucket; both ``members`` and
        ``vector_docs`` ascend, since articles and their vectors are appended together."""
        local = int(np.searchsorted(bucket.members, position))
        lo = int(np.searchsorted(bucket.vector_docs, local, "left"))
        hi = int(np.searchsorted(bucket.vector_docs, local, "right"))
        return bucket.vectors[lo:hi]

    def search(
        self,
        query: str,
        *,
        vector: FloatArray | None = None,
        since: str | None = None,
        until: str | None = None,
        exclude_outlet: str | None = None,
        limit: int = 10,
    ) -> list[IndexHit]:
        """The ``limit`` best articles for ``query`` published in the window, from outlets other than
        ``exclude_outlet``: BM25 candidates re-ranked with ``vector`` (a unit embedding of the query) when given."""
        (hits,) = self.search_many(
            [query], [vector], since=since, until=until, exclude_outlet=exclude_outlet, limit=limit
        )
        return hits

    def search_many(
        self,
        queries: Sequence[str],
        vectors: Sequence[FloatArray | None],
        *,
        since: str | None = None,
        until: str | None = None,
        exclude_outlet: str | None = None,
        limit: int = 10,
    ) -> list[list[IndexHit]]:
        """:meth:`search` for several queries over one window at once (each with its vector or None)."""
        terms = [query_terms(query) for query in queries]
        with self._lock:
            exclude = self._outlets.get(outlet_key(exclude_outlet), -1) if exclude_outlet else -1
            found = self._bm25(terms, self._days(since, until), exclude)
            return [
                self._rank(positions, scores, vector, limit)
                for (positions, scores), vector in zip(found, vectors, strict=True)
            ]

    def _rank(self, positions: IntArray, scores: FloatArray, vector: FloatArray | None, limit: int) -> list[IndexHit]:
        """The BM25 top candidates re-ranked by their vectors' cosine to ``vector`` (reciprocal rank fusion)."""
        if not len(positions):
            return []
        take = min(LEXICAL_CANDIDATES, len(positions))
        top = np.argpartition(-scores, take - 1)[:take]
        top = top[np.argsort(-scores[top], kind="stable")]
        positions, scores = positions[top], scores[top]
        fused = 1.0 / (RRF_K + 1.0 + np.arange(len(positions), dtype=np.float32))
        cosines = np.full(len(positions), np.nan, dtype=np.float32)
        if vector is not None:
            cosines = self._cosines(positions, vector)
            known = np.flatnonzero(~np.isnan(cosines))
            if len(known):
                dense_rank = np.empty(len(known), dtype=np.float32)
                dense_rank[np.argsort(-cosines[known], kind="stable")] = np.arange(len(known), dtype=np.float32)
                fused[known] += 1.0 / (RRF_K + 1.0 + dense_rank)
        order = np.lexsort((-np.nan_to_num(cosines, nan=-2.0), -fused))[:limit]  # ties: the closer vector first
        return [
            IndexHit(
                article_id=self._ids[int(positions[i])],
                outlet=self._outlet_names[int(self._outlet[int(positions[i])])],
                published=self._published[int(positions[i])],
                bm25=float(scores[i]),
                similarity=None if np.isnan(cosines[i]) else round(float(cosines[i]), 4),
                score=float(fused[i]),
            )
            for i in order.tolist()
        ]

    def memory_bytes(self) -> int:
        """Bytes held by the index's arrays (postings, vectors, per-article arrays; Python objects not counted)."""
        arrays = [self._df, self._outlet, self._day, self._length, self._alive, self._has_vectors]
        total = sum(a.nbytes for a in arrays)
        for bucket in self._buckets.values():
            bucket.compact()
            total += bucket.members.nbytes + bucket.terms.nbytes + bucket.docs.nbytes + bucket.tfs.nbytes
            total += bucket.vectors.nbytes + bucket.vector_docs.nbytes
        return total
