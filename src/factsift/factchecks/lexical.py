"""An in-memory BM25 index over the stored fact-checks, one per text field (claim, title).

SQLite's FTS5 ``bm25()`` ranks every row that matches any query word; over 100,000 reviews that took
23-46 ms per query, most of the latency budget.  This index keeps each field's postings as flat numpy
arrays with the BM25 weight of every (term, record) pair computed once, so a query is a few array
slices and one ``np.bincount``: about a millisecond, and the per-field scores of any record come free.
It is built when records are imported and kept in the store (:func:`to_bytes`, an ``.npz`` without
pickle), so a new process reads it instead of building it.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from factsift.factchecks.terms import index_terms

K1 = 1.2
B = 0.75
FIELDS = ("claim", "title")
TITLE_WEIGHT = 0.5  # a title word counts half a claim word in the combined score (fitted on CheckThat! 2020 train)

Scores = npt.NDArray[np.float64]


def bm25_idf(df: npt.NDArray[Any], documents: int) -> npt.NDArray[Any]:
    """BM25's inverse document frequency of terms found in ``df`` of ``documents`` (the +1 keeps it positive)."""
    idf: npt.NDArray[Any] = np.log(1.0 + (documents - df + 0.5) / (df + 0.5))
    return idf


def bm25_weights(
    idf: npt.NDArray[Any], tf: npt.NDArray[Any], lengths: npt.NDArray[Any], average: float
) -> npt.NDArray[Any]:
    """BM25 scores of postings: each term's ``idf`` and frequency ``tf`` in a text of ``lengths`` words."""
    norm = K1 * (1.0 - B + B * lengths / average)
    weights: npt.NDArray[Any] = idf * tf * (K1 + 1.0) / (tf + norm)
    return weights


@dataclass(frozen=True)
class FieldIndex:
    """One field's postings: ``postings[term] = (start, end)`` into ``docs`` (record positions) and ``weights``."""

    postings: dict[str, tuple[int, int]]
    docs: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    size: int

    def scores(self, terms: Sequence[str]) -> Scores:
        """BM25 of every record for the (distinct) query ``terms``: one float per record position."""
        spans = [self.postings[t] for t in dict.fromkeys(terms) if t in self.postings]
        if not spans:
            return np.zeros(self.size, dtype=np.float64)
        docs = np.concatenate([self.docs[a:b] for a, b in spans])
        weights = np.concatenate([self.weights[a:b] for a, b in spans])
        scores: Scores = np.bincount(docs, weights=weights, minlength=self.size).astype(np.float64, copy=False)
        return scores


def build_field(texts: Sequence[str]) -> FieldIndex:
    """Tokenise ``texts`` (one per record position) and lay out their BM25 postings."""
    vocabulary: dict[str, int] = {}
    term_ids: list[int] = []
    doc_ids: list[int] = []
    counts: list[int] = []
    lengths = np.zeros(len(texts), dtype=np.float64)
    for position, text in enumerate(texts):
        if not text:
            continue
        tokens = index_terms(text)
        lengths[position] = len(tokens)
        tally: dict[str, int] = {}
        for token in tokens:
            tally[token] = tally.get(token, 0) + 1
        for token, count in tally.items():
            term_ids.append(vocabulary.setdefault(token, len(vocabulary)))
            doc_ids.append(position)
            counts.append(count)
    if not term_ids:
        return FieldIndex({}, np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), len(texts))
    terms = np.asarray(term_ids, dtype=np.int64)
    docs = np.asarray(doc_ids, dtype=np.int32)
    tf = np.asarray(counts, dtype=np.float64)
    order = np.argsort(terms, kind="stable")
    terms, docs, tf = terms[order], docs[order], tf[order]
    df = np.bincount(terms, minlength=len(vocabulary)).astype(np.float64)
    with_text = max(int(np.count_nonzero(lengths)), 1)
    idf = bm25_idf(df, with_text)
    weights = bm25_weights(idf[terms], tf, lengths[docs], lengths.sum() / with_text).astype(np.float32)
    bounds = np.concatenate([[0], np.cumsum(df).astype(np.int64)])
    postings = {term: (int(bounds[i]), int(bounds[i + 1])) for term, i in vocabulary.items()}
    return FieldIndex(postings, docs, weights, len(texts))


@dataclass(frozen=True)
class LexicalIndex:
    """BM25 over each field of the stored records; ``ids[i]`` is the record at position ``i``."""

    ids: list[str]
    fields: dict[str, FieldIndex]
    positions: dict[str, int]

    def search(
        self, terms: Sequence[str], limit: int, *, include: Sequence[str] = ()
    ) -> list[tuple[str, float, dict[str, float], int | None]]:
        """The ``limit`` best records by combined BM25 (claim + ``TITLE_WEIGHT`` x title), plus any ``include`` ids.

        Each result is (id, combined score, per-field scores, rank or None for an included record);
        records with no query word are left out of the top list but reported when included.
        """
        if not self.ids:
            return []
        if not include and not any(term in field.postings for field in self.fields.values() for term in terms):
            return []  # no stored record has a query word: nothing to rank (the common case for a small store)
        per_field = {name: field.scores(terms) for name, field in self.fields.items()}
        combined = per_field["claim"] + TITLE_WEIGHT * per_field["title"]
        limit = min(limit, len(self.ids))
        top = np.argpartition(-combined, limit - 1)[:limit] if limit > 0 else np.zeros(0, dtype=np.int64)
        top = top[np.argsort(-combined[top], kind="stable")]
        chosen: list[tuple[int, int | None]] = [
            (int(i), rank) for rank, i in enumerate((i for i in top if combined[i] > 0), start=1)
        ]
        seen = {position for position, _ in chosen}
        for rid in include:
            position = self.positions.get(rid)
            if position is not None and position not in seen:
                chosen.append((position, None))
                seen.add(position)
        return [
            (self.ids[i], float(combined[i]), {name: float(scores[i]) for name, scores in per_field.items()}, rank)
            for i, rank in chosen
        ]


def build_index(rows: Sequence[tuple[str, str, str | None]]) -> LexicalIndex:
    """The index of ``rows`` = (id, claim, title or None)."""
    ids = [rid for rid, _, _ in rows]
    fields = {
        "claim": build_field([claim for _, claim, _ in rows]),
        "title": build_field([title or "" for _, _, title in rows]),
    }
    return LexicalIndex(ids, fields, {rid: i for i, rid in enumerate(ids)})


def pack_strings(words: Sequence[str]) -> npt.NDArray[np.uint8]:
    """``words`` NUL-joined as UTF-8 bytes (ids and terms never contain NUL)."""
    return np.frombuffer("\x00".join(words).encode("utf-8"), dtype=np.uint8)


def unpack_strings(data: npt.NDArray[np.uint8] | bytes) -> list[str]:
    """The words packed by :func:`pack_strings`."""
    raw = data if isinstance(data, bytes) else data.tobytes()
    return raw.decode("utf-8").split("\x00") if raw else []


def to_bytes(index: LexicalIndex) -> bytes:
    """``index`` as an ``.npz`` file's bytes (strings NUL-joined, postings as flat arrays; no pickle)."""
    arrays: dict[str, npt.NDArray[np.generic]] = {"ids": pack_strings(index.ids), "count": np.array(len(index.ids))}
    for name, field in index.fields.items():
        terms = sorted(field.postings, key=field.postings.__getitem__)
        starts = [field.postings[t][0] for t in terms]
        arrays |= {
            f"{name}.terms": pack_strings(terms),
            f"{name}.bounds": np.array([*starts, len(field.docs)], dtype=np.int64),
            f"{name}.docs": field.docs,
            f"{name}.weights": field.weights,
            f"{name}.size": np.array(field.size),
        }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def from_bytes(data: bytes) -> LexicalIndex:
    """The index written by :func:`to_bytes`; ValueError when the bytes are not one."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            ids = unpack_strings(arrays["ids"])[: int(arrays["count"])]
            fields = {}
            for name in FIELDS:
                terms = unpack_strings(arrays[f"{name}.terms"])
                bounds = arrays[f"{name}.bounds"].tolist()
                postings = dict(zip(terms, itertools.pairwise(bounds), strict=True))
                fields[name] = FieldIndex(
                    postings, arrays[f"{name}.docs"], arrays[f"{name}.weights"], int(arrays[f"{name}.size"])
                )
    except (OSError, KeyError, ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a stored lexical index: {exc}") from exc
    return LexicalIndex(ids, fields, {rid: i for i, rid in enumerate(ids)})
