"""Claim ranking on news: does the claim a fact-checking desk would check first come first?

The check-worthiness benchmarks (bench/claims.py) score debate sentences one by one.  This one
scores the *ranking* of an article's sentences, on a small set of news articles we labelled
ourselves (``bench/data/claims_news_labels.json``; the protocol is in docs/inputs.md): for each
article, the sentence(s) stating the claim a desk would check first.  The articles are read from
``../shared/data/articles/`` (BuzzFeed-Webis 2016 and FakeNewsNet PolitiFact), chosen by a fixed
seeded draw; the labels name sentences by position and a hash of their text, never by the text.

Three orders of the article's body sentences (those the claims gate lets through) are compared:
the lede order (a baseline), check-worthiness alone (the model's score) and ``priority``
(:mod:`factsift.claims.ranking`).  Measures: hit@1 and hit@3 (a labelled sentence is first / in the
top three) and MRR (mean reciprocal rank of the best-ranked labelled sentence).

    python bench/claims_news.py            # score the labelled set, write bench/results/claims_news.json
    python bench/claims_news.py --dump     # print the drawn articles' sentences, for labelling
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import hashlib
import json
import random
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Sequence
from pathlib import Path

import factsift
from factsift.claims import ranking
from factsift.claims.entities import capitalised_words, find_entities
from factsift.claims.gate import is_furniture
from factsift.claims.kinds import NOT_FACTUAL_KINDS, kind_of
from factsift.claims.stage import MAX_ENCODED, encoder_for, model_for
from factsift.config import ClaimsConfig
from factsift.context import ModelCache
from factsift.model import Report

ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "articles"
LABELS = Path(__file__).resolve().parent / "data" / "claims_news_labels.json"
RESULTS = Path(__file__).resolve().parent / "results" / "claims_news.json"
PER_SOURCE = 15
MIN_WORDS, MAX_WORDS = 120, 450


def sentence_key(text: str) -> str:
    """A short hash naming a sentence without copying it."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:10]


def _webis() -> Iterator[tuple[str, str, str]]:
    for path in sorted((ARTICLES / "buzzfeed_webis_2016" / "articles").glob("*.xml")):
        root = ElementTree.parse(path).getroot()
        yield f"webis/{path.stem}", root.findtext("title") or "", root.findtext("mainText") or ""


def _politifact() -> Iterator[tuple[str, str, str]]:
    for folder in ("FakeNewsContent", "RealNewsContent"):
        for path in sorted((ARTICLES / "fakenewsnet_v1" / "PolitiFact" / folder).glob("*.json")):
            data = json.loads(path.read_text("utf-8"))
            yield f"politifact/{path.stem}", data.get("title") or "", data.get("text") or ""


def draw_articles() -> list[tuple[str, str, str]]:
    """(id, title, body) of the articles of the set: a seeded draw of mid-length, distinct, titled news."""
    rng = random.Random(17)
    chosen: list[tuple[str, str, str]] = []
    for source in (_webis, _politifact):
        pool, seen = [], set()
        for ident, title, body in source():
            words = len(body.split())
            if title.strip() not in ("", "None") and MIN_WORDS <= words <= MAX_WORDS and body[:200] not in seen:
                seen.add(body[:200])
                pool.append((ident, title.strip(), body))
        chosen += rng.sample(pool, PER_SOURCE)
    return chosen


def analysed(title: str, body: str) -> Report:
    """The article's body ingested as plain text, with its headline as published (not guessed from the text)."""
    report = factsift.analyse(text=body, stages=())
    report.article.title = title
    return report


def orders(report: Report, config: ClaimsConfig) -> dict[str, list[int]]:
    """The gated body sentences (ids) in the lede, check-worthiness and priority orders."""
    sentences = report.article.sentences
    candidates = [i for i, s in enumerate(sentences) if not is_furniture(s.text)]
    model = model_for(config, ModelCache())
    scores = model.score_many([sentences[i].text for i in candidates], encoder_for(config, model), limit=MAX_ENCODED)
    known = capitalised_words(report.article.text)
    counts = [len(find_entities(sentences[i].text, known)) for i in candidates]
    texts = [s.text for s in sentences]
    parts = ranking.parts_for(candidates, scores, texts, report.article.title, counts)
    priority = {
        i: part.priority(kind_of(texts[i]) not in NOT_FACTUAL_KINDS) for i, part in zip(candidates, parts, strict=True)
    }
    worth = dict(zip(candidates, scores, strict=True))
    return {
        "lede": candidates,
        "checkworthiness": sorted(candidates, key=lambda i: (-worth[i], i)),
        "priority": sorted(candidates, key=lambda i: (-priority[i], i)),
    }


def measures(ranked: Sequence[Sequence[int]], gold: Sequence[set[int]]) -> dict[str, float]:
    """hit@1, hit@3 and MRR of rankings against the labelled sentence sets."""
    ranks = [
        next((r + 1 for r, i in enumerate(order) if i in want), None) for order, want in zip(ranked, gold, strict=True)
    ]
    n = len(ranks)
    return {
        "hit@1": round(sum(r == 1 for r in ranks) / n, 3),
        "hit@3": round(sum(r is not None and r <= 3 for r in ranks) / n, 3),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", action="store_true", help="print the drawn articles' sentences for labelling")
    args = parser.parse_args()
    articles = draw_articles()
    if args.dump:
        for ident, title, body in articles:
            report = analysed(title, body)
            print(f"\n### {ident} | {report.article.kind} | TITLE: {report.article.title}")
            for s in report.article.sentences:
                gate = "  " if not is_furniture(s.text) else "x "
                print(f"{gate}{s.id:2d} {sentence_key(s.text)} {s.text}")
        return
    labels = json.loads(LABELS.read_text("utf-8"))["articles"]
    results: dict[str, object] = {"articles": len(labels), "labels": str(LABELS.name)}
    for mode, config in (("cascade", ClaimsConfig()), ("fast", ClaimsConfig(fast=True))):
        ranked: dict[str, list[list[int]]] = {"lede": [], "checkworthiness": [], "priority": []}
        gold: list[set[int]] = []
        by_id = {ident: (title, body) for ident, title, body in articles}
        for entry in labels:
            report = analysed(*by_id[entry["id"]])
            keys = {sentence_key(s.text): s.id for s in report.article.sentences}
            missing = [k for k in entry["first"] if k not in keys]
            if missing:
                raise SystemExit(f"{entry['id']}: labelled sentences {missing} not found: the splitter changed")
            gold.append({keys[k] for k in entry["first"]})
            for name, order in orders(report, config).items():
                ranked[name].append(order)
        results[mode] = {name: measures(orders_, gold) for name, orders_ in ranked.items()}
    print(json.dumps(results, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
