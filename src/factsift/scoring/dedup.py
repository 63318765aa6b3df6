"""De-duplication of labelled articles before any split, so no text is both trained and tested on.

Two articles are duplicates when their normalised texts are equal or when they share the same
opening (the first ``OPENING_TOKENS`` words): scraped copies of one story differ in trailing
boilerplate more often than at the start.  Each duplicate group keeps one article, from the
dataset listed first; a group whose labels disagree is dropped entirely.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from factsift.scoring.datasets import LOADERS, LabelledArticle

OPENING_TOKENS = 40
_WORD = re.compile(r"[^\W_]+")


def _keys(text: str) -> list[str]:
    tokens = _WORD.findall(text.lower())
    keys = ["full:" + hashlib.sha1(" ".join(tokens).encode()).hexdigest()]
    if len(tokens) >= OPENING_TOKENS:
        keys.append("open:" + hashlib.sha1(" ".join(tokens[:OPENING_TOKENS]).encode()).hexdigest())
    return keys


@dataclass
class DedupSummary:
    """What de-duplication removed, for the training log and the benchmark JSON."""

    kept: int = 0
    duplicates_removed: int = 0
    conflicting_dropped: int = 0
    by_dataset: dict[str, int] = field(default_factory=dict)


def deduplicate(rows: list[LabelledArticle]) -> tuple[list[LabelledArticle], DedupSummary]:
    """One article per duplicate group (earlier dataset wins); groups with conflicting labels dropped."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with_key: dict[str, int] = {}
    for index, row in enumerate(rows):
        for key in _keys(row.text):
            other = first_with_key.setdefault(key, index)
            if other != index:
                parent[find(index)] = find(other)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(rows)):
        groups[find(index)].append(index)
    order = {name: rank for rank, name in enumerate(LOADERS)}
    summary = DedupSummary()
    kept: list[LabelledArticle] = []
    for members in groups.values():
        labels = {rows[i].label for i in members}
        if len(labels) > 1:
            summary.conflicting_dropped += len(members)
            continue
        best = min(members, key=lambda i: (order.get(rows[i].dataset, len(order)), rows[i].id))
        kept.append(rows[best])
        summary.duplicates_removed += len(members) - 1
    kept.sort(key=lambda row: (order.get(row.dataset, len(order)), row.id))
    summary.kept = len(kept)
    for row in kept:
        summary.by_dataset[row.dataset] = summary.by_dataset.get(row.dataset, 0) + 1
    return kept, summary
