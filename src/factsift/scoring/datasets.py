"""Loaders for the labelled article collections the risk model is trained and evaluated on.

Each loader reads one published dataset as it lies under ``DIR`` (the layout of
``../shared/data/articles/``) and yields :class:`LabelledArticle` rows with label 1 = misinformation,
0 = not.  The README caveats are applied here: BuzzFeed-Webis keeps "mostly true" vs "mostly false"
only, FakeNewsAMT pairs (a legit article and its crowd-written fake) share a ``group`` so that no
split separates them, and the outlet is taken from the URL where the data has one.
De-duplication across and within datasets is :mod:`factsift.scoring.dedup`'s job.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from factsift.ingest.outlet import host_of

#: Texts shorter than this (characters) are dropped: they are scraping failures, not articles.
MIN_TEXT_CHARS = 50


@dataclass(frozen=True)
class LabelledArticle:
    """One labelled article: ``label`` 1 = misinformation, 0 = not."""

    id: str
    dataset: str
    title: str | None
    text: str
    label: int
    url: str | None = None
    outlet: str | None = None
    group: str | None = None  # items that must stay on the same side of every split


_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu"}


_MOJIBAKE = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf]")
_C1 = re.compile("[\u0080-\u009f]")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1/cp1252 ("heâ\x80\x99s" → "he’s"); other text is returned as is.

    Some scraped copies carry this damage and others do not; left in, the model would learn the
    encoding accident of a few outlets instead of their writing.
    """
    if _MOJIBAKE.search(text):
        for codec in ("cp1252", "latin-1"):
            try:
                return text.encode(codec).decode("utf-8")
            except UnicodeError:
                continue
    if _C1.search(text):  # cp1252 quotes read as Latin-1 control characters
        try:
            return text.encode("latin-1").decode("cp1252")
        except UnicodeError:
            pass
    return text


def outlet_of(url: str | None) -> str | None:
    """The publishing host of ``url`` (an archived copy counts as its original site)."""
    if not url:
        return None
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    archived = re.match(r"https?://web\.archive\.org/web/[^/]+/(.+)", url)
    if archived:
        return outlet_of(archived.group(1))
    host = host_of(url)
    if host is None:
        return None
    labels = host.split(".")
    # The registered domain: edition.cnn.com and cnn.com are one outlet (two labels, three for co.uk-style).
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _fakenewsnet_v1(root: Path, collection: str) -> Iterator[LabelledArticle]:
    base = root / "fakenewsnet_v1" / collection
    for folder, label in (("FakeNewsContent", 1), ("RealNewsContent", 0)):
        for path in sorted((base / folder).glob("*-Webpage.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            url = data.get("canonical_link") or data.get("url") or data.get("source") or None
            # Short links (abcn.ws, bit.ly...) name the shortener, not the outlet: prefer the canonical link.
            yield LabelledArticle(
                id=f"{collection.lower()}:{path.stem}",
                dataset=f"fakenewsnet_{collection.lower()}",
                title=(data.get("title") or None),
                text=data.get("text") or "",
                label=label,
                url=url,
                outlet=outlet_of(url),
            )


def fakenewsnet_politifact(root: Path) -> Iterator[LabelledArticle]:
    """FakeNewsNet v1, PolitiFact collection (120 fake + 120 real)."""
    return _fakenewsnet_v1(root, "PolitiFact")


def fakenewsnet_buzzfeed(root: Path) -> Iterator[LabelledArticle]:
    """FakeNewsNet v1, BuzzFeed collection (91 fake + 91 real)."""
    return _fakenewsnet_v1(root, "BuzzFeed")


def _defend_urls(root: Path) -> dict[str, str]:
    """PolitiFact ids → article URL, from the FakeNewsNet v2 title lists beside the articles (if present)."""
    titles = root.parent / "headlines" / "fakenewsnet_titles"
    urls: dict[str, str] = {}
    for path in sorted(titles.glob("**/politifact_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("id") and row.get("news_url"):
                    urls.setdefault(row["id"], row["news_url"])
    return urls


def fakenewsnet_defend(root: Path) -> Iterator[LabelledArticle]:
    """FakeNewsNet PolitiFact full texts as used by dEFEND (label 1 = fake); URLs joined by PolitiFact id."""
    base = root / "fakenewsnet_defend"
    csv.field_size_limit(sys.maxsize)
    titles: dict[str, str] = {}
    title_path = base / "politifact_title_no_ignore.tsv"
    if title_path.exists():
        with title_path.open(encoding="utf-8", newline="") as handle:
            for cells in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(cells) >= 2:
                    titles[cells[0]] = cells[1]
    urls = _defend_urls(root)
    with (base / "politifact_content_no_ignore.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row.get("label") not in ("0", "1"):
                continue
            url = urls.get(row["id"])
            yield LabelledArticle(
                id=f"defend:{row['id']}",
                dataset="fakenewsnet_defend",
                title=titles.get(row["id"]) or None,
                text=row.get("content") or "",
                label=int(row["label"]),
                url=url,
                outlet=outlet_of(url),
            )


#: BuzzFeed-Webis veracity values kept, and their label; "mixture" and "no factual content" are dropped.
WEBIS_LABELS = {"mostly true": 0, "mostly false": 1}


def buzzfeed_webis(root: Path) -> Iterator[LabelledArticle]:
    """BuzzFeed-Webis Fake News Corpus 2016: "mostly false" (1) vs "mostly true" (0); outlet = the Facebook page."""
    base = root / "buzzfeed_webis_2016"
    with (base / "overview.csv").open(encoding="utf-8", newline="") as handle:
        overview = {row["XML"]: row for row in csv.DictReader(handle)}
    for name, row in sorted(overview.items()):
        label = WEBIS_LABELS.get(row["veracity"].strip())
        path = base / "articles" / name
        if label is None or not path.exists():
            continue
        root_el = ET.parse(path).getroot()
        url = (row.get("url") or root_el.findtext("uri") or "").replace("&amp;", "&") or None
        yield LabelledArticle(
            id=f"webis:{name}",
            dataset="buzzfeed_webis",
            title=(root_el.findtext("title") or "").strip() or None,
            text=(root_el.findtext("mainText") or "").strip(),
            label=label,
            url=url,
            outlet=outlet_of(url) or row["portal"].strip(),
        )


def fakenews_amt(root: Path) -> Iterator[LabelledArticle]:
    """FakeNewsAMT: legit news items and their crowd-written fake rewrites, kept together as one group."""
    base = root / "fakenews_amt" / "fakeNewsDataset"
    for folder, label in (("fake", 1), ("legit", 0)):
        for path in sorted((base / folder).glob("*.txt")):
            raw = path.read_text(encoding="utf-8", errors="replace").strip()
            title, _, body = raw.partition("\n")
            pair = path.name.split(".")[0]  # biz01.fake.txt and biz01.legit.txt are one pair
            yield LabelledArticle(
                id=f"amt:{path.name}",
                dataset="fakenews_amt",
                title=title.strip() or None,
                text=body.strip(),
                label=label,
                group=f"amt:{pair}",
            )


#: Every known dataset, in priority order: when one text is in two datasets, the earlier keeps it.
LOADERS: dict[str, Callable[[Path], Iterator[LabelledArticle]]] = {
    "fakenewsnet_politifact": fakenewsnet_politifact,
    "fakenewsnet_buzzfeed": fakenewsnet_buzzfeed,
    "fakenewsnet_defend": fakenewsnet_defend,
    "buzzfeed_webis": buzzfeed_webis,
    "fakenews_amt": fakenews_amt,
}

#: Which folder under DIR each loader needs.
FOLDERS = {
    "fakenewsnet_politifact": "fakenewsnet_v1/PolitiFact",
    "fakenewsnet_buzzfeed": "fakenewsnet_v1/BuzzFeed",
    "fakenewsnet_defend": "fakenewsnet_defend",
    "buzzfeed_webis": "buzzfeed_webis_2016",
    "fakenews_amt": "fakenews_amt",
}


def load_all(root: Path, names: list[str] | None = None) -> list[LabelledArticle]:
    """Every article of the datasets present under ``root`` (texts under ``MIN_TEXT_CHARS`` dropped)."""
    rows: list[LabelledArticle] = []
    for name, loader in LOADERS.items():
        if names is not None and name not in names:
            continue
        if not (root / FOLDERS[name]).exists():
            continue
        for row in loader(root):
            text = repair_mojibake(row.text).strip()
            if len(text) >= MIN_TEXT_CHARS:
                title = repair_mojibake(row.title).strip() if row.title else None
                rows.append(replace(row, text=text, title=title or None))
    return rows
