"""Readers for the labelled fake/real article collections used to calibrate and benchmark signals.

Each reader turns one published dataset layout into :class:`LabelledArticle` records (text,
headline and whatever metadata the dataset kept).  ``load_articles`` reads every layout found
under a folder, drops very short texts and de-duplicates texts (dropping texts that appear with
both labels).  Nothing here is shipped data: the collections stay outside the project.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import hashlib
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from factsift.ingest.outlet import host_of
from factsift.ingest.sentences import split_sentences
from factsift.ml.split import bucket
from factsift.model import Article, Outlet

Label = Literal["fake", "real"]
MIN_CHARS = 200


@dataclass(frozen=True)
class LabelledArticle:
    """One article from a labelled collection."""

    dataset: str
    id: str
    label: Label
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None

    def to_article(self) -> Article:
        """The record as a factsift ``Article`` (sentences split, outlet from the URL)."""
        domain = host_of(self.url) if self.url else None
        return Article(
            text=self.text,
            title=self.title,
            outlet=Outlet(name=None, domain=domain, found_in="url" if domain else None),
            author=self.author,
            published=self.published,
            language="en",
            sentences=split_sentences(self.text),
        )

    @property
    def key(self) -> str:
        """A stable identifier used for deterministic splits."""
        return hashlib.sha1(f"{self.dataset}/{self.id}".encode()).hexdigest()


def _fakenewsnet_v1(root: Path) -> Iterator[LabelledArticle]:
    for path in sorted(root.glob("*/*NewsContent/*.json")):
        label: Label = "fake" if path.parent.name.startswith("Fake") else "real"
        data = json.loads(path.read_text(encoding="utf-8"))
        authors: list[str] = []
        try:
            parsed = ast.literal_eval(data.get("authors") or "[]")
            authors = [str(a) for a in parsed] if isinstance(parsed, list) else []
        except (ValueError, SyntaxError):
            authors = []
        published = None
        match = re.search(r"(\d{10,13})", str(data.get("publish_date") or ""))
        if match:
            millis = int(match.group(1))
            published = dt.datetime.fromtimestamp(millis / 1000 if millis > 10**11 else millis, dt.UTC).isoformat()
        yield LabelledArticle(
            dataset=f"fakenewsnet_v1/{path.parent.parent.name}",
            id=path.stem,
            label=label,
            text=str(data.get("text") or ""),
            title=data.get("title") or None,
            author=", ".join(authors) or None,
            published=published,
            url=data.get("url") or data.get("source") or None,
        )


def _buzzfeed_webis(root: Path) -> Iterator[LabelledArticle]:
    veracity: dict[str, Label] = {"mostly true": "real", "mostly false": "fake"}
    with (root / "overview.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        label = veracity.get(row["veracity"].strip())
        path = root / "articles" / row["XML"]
        if label is None or not path.is_file():
            continue
        tree = ET.parse(path).getroot()
        yield LabelledArticle(
            dataset="buzzfeed_webis_2016",
            id=path.stem,
            label=label,
            text=(tree.findtext("mainText") or "").strip(),
            title=(tree.findtext("title") or "").strip() or None,
            author=(tree.findtext("author") or "").strip() or None,
            url=(tree.findtext("uri") or row.get("url") or "").strip() or None,
        )


def _fakenews_amt(root: Path) -> Iterator[LabelledArticle]:
    for path in sorted(root.glob("fakeNewsDataset/*/*.txt")):
        label: Label = "fake" if path.parent.name == "fake" else "real"
        raw = path.read_text(encoding="utf-8", errors="replace").strip()
        title, _, body = raw.partition("\n")
        yield LabelledArticle(
            dataset="fakenews_amt", id=path.stem, label=label, text=body.strip(), title=title.strip() or None
        )


def _fakenewsnet_defend(root: Path) -> Iterator[LabelledArticle]:
    titles: dict[str, str] = {}
    title_file = root / "politifact_title_no_ignore.tsv"
    if title_file.is_file():
        for line in title_file.read_text(encoding="utf-8").splitlines():
            ident, _, title = line.partition("\t")
            titles[ident.strip()] = title.strip()
    csv.field_size_limit(sys.maxsize)
    with (root / "politifact_content_no_ignore.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            ident = (row.get("id") or "").strip()
            yield LabelledArticle(
                dataset="fakenewsnet_defend",
                id=ident,
                label="fake" if (row.get("label") or "").strip() == "1" else "real",
                text=(row.get("content") or "").strip(),
                title=titles.get(ident) or None,
            )


READERS = {
    "fakenewsnet_v1": _fakenewsnet_v1,
    "buzzfeed_webis_2016": _buzzfeed_webis,
    "fakenews_amt": _fakenews_amt,
    "fakenewsnet_defend": _fakenewsnet_defend,
}


def load_articles(root: Path) -> list[LabelledArticle]:
    """Every labelled article under ``root`` (a folder of the collections above, or one of them).

    Texts shorter than ``MIN_CHARS`` are dropped; a text seen twice is kept once, and a text
    seen with both labels is dropped.
    """
    records: list[LabelledArticle] = []
    for name, reader in READERS.items():
        folder = root / name if (root / name).is_dir() else (root if root.name == name else None)
        if folder is not None:
            records.extend(reader(folder))
    by_text: dict[str, list[LabelledArticle]] = {}
    for record in records:
        if len(record.text) < MIN_CHARS:
            continue
        norm = hashlib.sha1(" ".join(record.text.lower().split()).encode()).hexdigest()
        by_text.setdefault(norm, []).append(record)
    kept = [group[0] for group in by_text.values() if len({r.label for r in group}) == 1]
    return sorted(kept, key=lambda r: (r.dataset, r.id))


def is_calibration_half(record: LabelledArticle) -> bool:
    """Deterministic half of the records (by hashed id): used to calibrate, the other half to evaluate."""
    return bucket(f"{record.dataset}/{record.id}", 2) == 0
