"""One stored fact-check (a ClaimReview reduced to the fields factsift keeps) and its identity."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from factsift.factchecks.verdicts import Verdict


class RecordError(ValueError):
    """One record cannot be imported; the importer reports it with its position and skips it."""


@dataclass(frozen=True)
class Review:
    """A fact-check: the claim reviewed, the publisher's rating, its verdict on factsift's scale, and provenance."""

    id: str
    claim_reviewed: str
    verdict: Verdict
    rating_text: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    claimant: str | None = None
    claim_date: str | None = None
    language: str | None = None
    title: str | None = None  # the review's headline (ClaimReview ``name``/``headline``), searched with the claim

    def content_hash(self) -> str:
        """A digest of every field: re-importing an identical record is recognised as unchanged.

        A record without a title hashes as it did before titles existed, so upgrading is not an update.
        """
        values = dataclasses.astuple(self)
        if self.title is None:
            values = values[:-1]
        data = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha1(data.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON-ready data."""
        return dataclasses.asdict(self)


def derive_id(url: str | None, publisher: str | None, claim: str) -> str:
    """A stable id for a record that brings none: the review URL (or publisher) plus the claim text.

    One review page may rate several claims, so the URL alone is not enough.
    """
    claim_key = " ".join(claim.lower().split())
    basis = f"{url or ''}\n{(publisher or '').lower() if not url else ''}\n{claim_key}"
    return "cr-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20]
