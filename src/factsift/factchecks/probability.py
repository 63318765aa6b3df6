"""The match probability: a calibrated chance that a stored review addresses the same claim as the query.

The ranking model (:mod:`.calibration`) orders candidates well, but its features are relative to the best
candidate in the store, so in a small store the best candidate of *any* query looks like a match ("The
weather in Paris was sunny in 2023." against "Harbour ferry fares doubled in 2023.": 0.74).  This model
reads only what a pair says about itself — word overlap both ways, shared and missing numbers, length, and
(with an embedding model) cosine similarity — so its answer does not depend on what else is stored.

It is fitted on the dev split of CheckThat! 2020 Task 2 (the ranking model saw only train): every query's
retrieved candidates, with the gold pairs as positives, and every query replayed with its gold removed, so
the top candidates of an unchecked claim are negatives.  ``bench/factchecks_probability.py`` fits it
(``--write``), reports its reliability diagram and ECE (5-fold cross-fitted by query on dev, and out of
domain on CheckThat! 2021), and the display threshold is the probability stated in ``docs/factchecks-trust.md``.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from factsift.factchecks.calibration import LogisticModel
from factsift.factchecks.records import Review

FORMAT = "factsift.factchecks.match-probability/1"
LEXICAL_FEATURES = (
    "doc_covered",
    "query_covered",
    "title_covered",
    "query_covered_title",
    "numbers_shared",
    "numbers_missing",
    "length_ratio",
)
DENSE_FEATURES = (*LEXICAL_FEATURES, "cosine", "cosine_claim", "cosine_title")
#: A match is shown (and counts as evidence at full weight) from this probability: "more likely than not".
DEFAULT_THRESHOLD = 0.5
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def pair_features(query: str, review: Review, retrieval: dict[str, float]) -> dict[str, float]:
    """The store-independent features of one (query, review) pair: the retrieval's own absolute ones plus
    ``numbers_missing`` (the query names a number the review does not)."""
    values = {name: retrieval[name] for name in DENSE_FEATURES if name in retrieval}
    query_numbers = set(_NUMBER.findall(query))
    doc_numbers = set(_NUMBER.findall(f"{review.claim_reviewed} {review.title or ''}"))
    values["numbers_missing"] = float(bool(query_numbers - doc_numbers))
    return values


@dataclass(frozen=True)
class MatchProbability:
    """The lexical-only and the dense pair models, and the display threshold they share."""

    lexical: LogisticModel
    dense: LogisticModel
    threshold: float = DEFAULT_THRESHOLD
    trained_on: str = ""

    def probability(self, features: dict[str, float]) -> float:
        """The calibrated probability that the pair is about the same claim (dense model when cosines exist)."""
        model = self.dense if "cosine" in features else self.lexical
        return model.probability(features)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "format": FORMAT,
            "trained_on": self.trained_on,
            "threshold": self.threshold,
            "lexical": self.lexical.to_dict(),
            "dense": self.dense.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchProbability:
        """Read a document written by :meth:`to_dict`."""
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} document")
        return cls(
            lexical=LogisticModel.from_dict(data["lexical"]),
            dense=LogisticModel.from_dict(data["dense"]),
            threshold=float(data.get("threshold", DEFAULT_THRESHOLD)),
            trained_on=str(data.get("trained_on", "")),
        )


@functools.cache
def load_match_probability() -> MatchProbability:
    """The shipped pair models (loaded once)."""
    text = resources.files("factsift.factchecks").joinpath("data/match_probability.json").read_text(encoding="utf-8")
    return MatchProbability.from_dict(json.loads(text))
