"""Readers for labelled claim-retrieval sets (CLEF CheckThat! verified-claim retrieval) used to fit and evaluate.

A set is a list of verified claims (becoming store records), queries, and gold (query -> claim) pairs.
Layouts understood:

* CheckThat! 2020 Task 2: ``verified_claims.docs.tsv`` (id, vclaim, title) and ``SPLIT/tweets.queries.tsv``
  (id, text) with ``SPLIT/tweet-vclaim-pairs.qrels`` (query id, 0, vclaim id, 1).  The two .tsv files use
  CSV quoting (a field with a quote is wrapped in quotes with its own quotes doubled, and 14 claims span two
  lines inside quotes), so they are read as quoted CSV.
* CheckThat! 2021 Task 2B: ``politifact_vclaims.jsonl.gz`` (vclaim_id, vclaim, truth_label, speaker, date, url,
  title),
  ``iclaims.queries`` (id, text) and ``SPLIT.tsv`` (query id, 0, vclaim id, 1); these are raw tab-separated
  text (a quote is just a character), read without quoting.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

from factsift.errors import InputError
from factsift.factchecks.claimreview import normalise_date
from factsift.factchecks.records import Review
from factsift.factchecks.verdicts import normalise_verdict


@dataclass
class RetrievalSet:
    """Verified claims as records, queries by id, and the gold claim ids of each query."""

    name: str
    reviews: list[Review]
    queries: dict[str, str]
    gold: dict[str, set[str]]


def _tsv(path: Path, *, quoted: bool = False) -> list[list[str]]:
    """Rows of a tab-separated file; ``quoted``: fields may be CSV-quoted (``"a ""b"" c"``, line breaks inside)."""
    csv.field_size_limit(1 << 24)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE))


def _qrels(path: Path) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = {}
    for row in _tsv(path):
        if len(row) >= 4 and row[3].strip() == "1":
            gold.setdefault(row[0].strip(), set()).add(row[2].strip())
    return gold


def load_checkthat2020(folder: Path, split: str) -> RetrievalSet:
    """CheckThat! 2020 Task 2 (tweets -> Snopes verified claims), ``split`` = train or dev."""
    docs = folder / "verified_claims.docs.tsv"
    if not docs.is_file():
        raise InputError(f"{folder}: no verified_claims.docs.tsv (CheckThat! 2020 Task 2 layout expected)")
    reviews = [
        Review(
            id=row[0].strip(),
            claim_reviewed=" ".join(row[1].split()),
            verdict="other",
            publisher="Snopes",
            title=" ".join(row[2].split()) or None if len(row) > 2 else None,
        )
        for row in _tsv(docs, quoted=True)[1:]
        if len(row) >= 2 and row[1].strip()
    ]
    queries = {
        row[0].strip(): row[1] for row in _tsv(folder / split / "tweets.queries.tsv", quoted=True)[1:] if len(row) >= 2
    }
    gold = _qrels(folder / split / "tweet-vclaim-pairs.qrels")
    return RetrievalSet(f"checkthat2020_t2/{split}", reviews, queries, {q: g for q, g in gold.items() if q in queries})


def load_checkthat2021(folder: Path, split: str) -> RetrievalSet:
    """CheckThat! 2021 Task 2B (debate sentences -> PolitiFact fact-checks), ``split`` = train or dev."""
    reviews = []
    with gzip.open(folder / "politifact_vclaims.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            url = item.get("url") or ""
            reviews.append(
                Review(
                    id=item["vclaim_id"],
                    claim_reviewed=" ".join(str(item["vclaim"]).split()),
                    verdict=normalise_verdict(item.get("truth_label")),
                    rating_text=item.get("truth_label"),
                    publisher="PolitiFact",
                    url=("https://www.politifact.com" + url) if url.startswith("/") else url or None,
                    claimant=item.get("speaker"),
                    claim_date=normalise_date(item.get("date")),
                    title=" ".join(str(item.get("title") or "").split()) or None,
                )
            )
    queries = {row[0].strip(): row[1] for row in _tsv(folder / "iclaims.queries") if len(row) >= 2}
    gold = _qrels(folder / f"{split}.tsv")
    return RetrievalSet(f"checkthat2021_t2b/{split}", reviews, queries, {q: g for q, g in gold.items() if q in queries})


def _normalised(text: str | None) -> str:
    text = (text or "").lower().replace('""', '"')
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def duplicate_groups(dataset: RetrievalSet) -> dict[str, str]:
    """Each record's group: the first id with the same claim and title once case, quotes and punctuation are
    dropped.

    CheckThat! 2020 lists some Snopes claims twice (361 of its 10,375 records are in 180 such groups, e.g. one
    copy with ``"hoax"`` and one with ``'hoax'``) and its gold pairs name one copy; the groups size how
    much of the measured error is that (see :func:`factsift.factchecks.training.collapse_duplicates`).
    """
    first: dict[tuple[str, str], str] = {}
    return {
        r.id: first.setdefault((_normalised(r.claim_reviewed), _normalised(r.title)), r.id) for r in dataset.reviews
    }
