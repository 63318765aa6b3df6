"""Near-duplicate grouping: syndicated copies of one text (a wire story carried by many outlets) share a group.

Each article's body becomes word 4-gram shingles hashed into a MinHash signature; an LSH index over
the signatures of the last ``window`` seconds finds earlier articles whose estimated Jaccard similarity
reaches ``threshold``, and the new article joins the group of the most similar one. Signatures are
kept in the store, so a restarted watcher rebuilds the same index.
"""

from __future__ import annotations

import re
from collections import deque

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
#: The hashing scheme of stored signatures (named, so a datasketch upgrade cannot silently change it).
SCHEME = "affine32"
SHINGLE_WORDS = 4
_WORD = re.compile(r"\w+")


def signature(text: str) -> MinHash:
    """The MinHash of ``text``'s word 4-grams (lower-cased)."""
    words = _WORD.findall(text.lower())
    shingles = [" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(max(1, len(words) - SHINGLE_WORDS + 1))]
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch(shingles)
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    """A signature as bytes for the store."""
    return np.asarray(minhash.hashvalues, dtype=np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    """A stored signature back as a MinHash."""
    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(data, dtype=np.uint64).copy(), scheme=SCHEME)


class NearDuplicates:
    """An LSH index of recent signatures that assigns each new article a group id."""

    def __init__(self, threshold: float = 0.8, window: float = 2 * 86400.0) -> None:
        """An empty index: ``threshold`` Jaccard similarity, signatures kept ``window`` seconds."""
        self.threshold = threshold
        self.window = window
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._entries: dict[str, tuple[str, MinHash]] = {}
        self._order: deque[tuple[float, str]] = deque()

    def __len__(self) -> int:
        """How many signatures the index holds."""
        return len(self._entries)

    def _expire(self, now: float) -> None:
        """Forget signatures older than the window (memory stays bounded)."""
        while self._order and self._order[0][0] < now - self.window:
            _, key = self._order.popleft()
            if key in self._entries:
                del self._entries[key]
                self._lsh.remove(key)

    def add(self, article_id: str, group_id: str, minhash: MinHash, when: float) -> None:
        """Index an article already assigned to ``group_id`` (used when rebuilding from the store)."""
        if article_id in self._entries:
            return
        self._lsh.insert(article_id, minhash)
        self._entries[article_id] = (group_id, minhash)
        self._order.append((when, article_id))

    def assign(self, article_id: str, minhash: MinHash, when: float) -> str:
        """The group of ``article_id``: that of the most similar recent article above the threshold, else its own."""
        self._expire(when)
        best, best_similarity = article_id, -1.0
        for candidate in self._lsh.query(minhash):
            group, other = self._entries[candidate]
            similarity = minhash.jaccard(other)
            if similarity >= self.threshold and similarity > best_similarity:
                best, best_similarity = group, similarity
        self.add(article_id, best, minhash, when)
        return best
